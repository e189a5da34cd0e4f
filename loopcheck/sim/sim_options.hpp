#pragma once
// Everything that determines a simulated run besides the program itself. A run is replayed by
// running the same program with the same options.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "loopcheck/sim/choice_tape.hpp"
#include "loopcheck/sim/fault_profile.hpp"
#include "loopcheck/sim/strategy.hpp"

namespace loopcheck::sim {

struct sim_options {
  std::uint64_t seed = 0;
  strategy_options strategy{};
  // Budgets end runaway runs with a `hang` finding. Both count from the context's creation:
  // a sim_context is one run, and calling run() again continues it.
  std::uint64_t budget_steps = 1'000'000;
  std::chrono::nanoseconds virtual_time_budget = std::chrono::hours(24 * 365);
  // Events kept for display; every event is hashed regardless.
  std::size_t event_log_capacity_events = 4096;
  // When set, scheduling and fault points follow this tape instead of the strategy's and the
  // seed's dice (see choice_tape.hpp).
  std::optional<choice_tape> replay_choices{};
  // Which fault sites are on and how often they fire, when no tape is replayed.
  fault_profile faults{};
};

}  // namespace loopcheck::sim
