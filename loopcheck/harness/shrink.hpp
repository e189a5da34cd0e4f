#pragma once
// Shrinking: before a failure is reported, its run is reduced while it still fails in the same
// way (a finding of one of the same kinds), so the report shows a minimal case. First the run's
// sizes — its integer options (operations, tasks, messages, versions), each tried at its
// minimum, then halved toward it, then decremented; then, for simulated runs, the recorded
// random choices (Hypothesis's anchor): the run is replayed from a tape of its scheduling
// choices and fault firings (sim/choice_tape.hpp), and entries are deleted or lowered while it
// still fails. The minimal run's spec carries that tape, so its replay token replays it.
#include <cstdint>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

struct shrink_result {
  run_spec minimal;
  run_result outcome;          // the minimal run's result
  std::uint64_t attempts = 0;  // runs tried while shrinking
};

// `failing` must fail (have findings); the result fails with a finding of a kind it had.
shrink_result shrink(const scenario& family, const run_spec& failing, const run_result& failure,
                     std::uint64_t max_attempts = 200);

}  // namespace loopcheck::harness
