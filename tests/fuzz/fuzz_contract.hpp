#pragma once
// What a fuzz target does when a parser breaks its contract in a way no sanitizer sees (a wrong
// error type, a result that does not read back): say what, then abort — libFuzzer saves the
// input as a crash, the corpus replay fails.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace loopcheck_fuzz {

[[noreturn]] inline void contract_broken(std::string_view what) {
  std::fprintf(stderr, "fuzz contract broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline void require(bool holds, std::string_view what) {
  if (!holds) contract_broken(what);
}

}  // namespace loopcheck_fuzz
