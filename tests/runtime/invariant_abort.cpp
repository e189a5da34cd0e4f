// Breaks a LOOPCHECK_INVARIANT on purpose; InvariantAbortTest.cmake checks that it aborts naming
// this file, the line and the condition, and that this build compiled plain assert out (NDEBUG,
// as in the default RelWithDebInfo preset) or kept it, as CMake expects.
#include <cstdio>

#include "loopcheck/runtime/invariant.hpp"

int main(int argc, char**) {
#ifdef NDEBUG
  std::puts("assert: compiled out");
#else
  std::puts("assert: checked");
#endif
  std::fflush(stdout);  // abort() discards buffered output
  const int arguments = argc - 1;  // run without any: unknown to the compiler, which cannot drop the check
  LOOPCHECK_INVARIANT(arguments > 0 && "at least one argument");
  return 0;
}
