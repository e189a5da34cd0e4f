#pragma once
// What sim_context::run() reports: how the run ended, and the run's identity (its event hash).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::sim {

enum class run_status : std::uint8_t {
  completed,  // nothing ready, no timer pending, no live tracked task
  deadlock,   // nothing ready, no timer pending, but tracked tasks are still alive
  hang,       // the step or virtual-time budget ran out first
};

std::string_view to_string(run_status status);
std::ostream& operator<<(std::ostream& out, run_status status);

struct run_outcome {
  run_status status = run_status::completed;
  std::uint64_t steps = 0;                    // handlers run since the context was created
  std::chrono::nanoseconds virtual_time{0};   // the virtual clock when run() returned
  std::uint64_t event_hash = 0;               // identifies the run: same seed, same hash
  // The deadlock or hang finding, also recorded in the context's findings log.
  std::optional<finding> failure;
};

}  // namespace loopcheck::sim
