#pragma once
// LOOPCHECK_INVARIANT(condition): an invariant checked in every build type, NDEBUG included,
// because release builds (the default preset is RelWithDebInfo) are what users run, and a
// broken invariant there would otherwise corrupt a run silently: read past a buffer, go back in
// virtual time, misreport a finding. On failure it writes
//   loopcheck: invariant failed at FILE:LINE in FUNCTION: CONDITION
// to standard error and aborts. For checks that cost one comparison or so; a check that costs
// a walk over a structure stays a plain assert (docs/runtime.md, "Invariants").
#include <cstdio>
#include <cstdlib>

namespace loopcheck::detail {

[[noreturn, gnu::cold, gnu::noinline]] inline void invariant_failed(const char* condition, const char* file, int line,
                                                                    const char* function) noexcept {
  std::fprintf(stderr, "loopcheck: invariant failed at %s:%d in %s: %s\n", file, line, function, condition);
  std::abort();
}

}  // namespace loopcheck::detail

#define LOOPCHECK_INVARIANT(condition)                                                                                 \
  (static_cast<bool>(condition) ? void(0)                                                                              \
                                : ::loopcheck::detail::invariant_failed(#condition, __FILE__, __LINE__, __func__))
