#include "loopcheck/vfs/crash_enumerator.hpp"

#include <fmt/format.h>

#include <exception>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::vfs {

std::string describe(const crash_case& where) {
  return fmt::format("crash point {} (after {}), choice {} = {}", where.crash_point, where.after_operation,
                     where.choice_index, describe(where.choice));
}

std::string crash_enumeration_report::summary() const {
  std::string text = fmt::format("checked {} crash states, {} failed", states_checked, states_failed);
  for (const auto& failure : failures) text += fmt::format("\n  {}: {}", describe(failure.where), failure.message);
  return text;
}

crash_enumeration_report enumerate_crash_states(const sim_vfs& recorded, const crash_enumeration_options& options,
                                                const crash_invariant& invariant) {
  LOOPCHECK_INVARIANT(options.max_states_per_point >= 1);
  LOOPCHECK_INVARIANT(invariant);
  const auto log = recorded.log();
  crash_enumeration_report report;
  for (std::size_t crash_point = 0; crash_point <= log.size(); ++crash_point) {
    const std::size_t choice_count =
        volatile_operation_count(log, crash_point) == 0 ? 1 : options.max_states_per_point;
    for (std::size_t choice_index = 0; choice_index < choice_count; ++choice_index) {
      crash_case where{.crash_point = crash_point,
                       .choice_index = choice_index,
                       .choice = nth_crash_choice(options.seed, crash_point, choice_index),
                       .after_operation = crash_point == 0 ? "start" : log[crash_point - 1].description};
      sim_vfs crashed(recorded.crash_state(crash_point, where.choice), {.profile = recorded.profile()});
      std::optional<std::string> violation;
      try {
        violation = invariant(crashed, where);
      } catch (const std::exception& e) {
        violation = std::string("invariant threw: ") + e.what();
      }
      ++report.states_checked;
      if (!violation) continue;
      ++report.states_failed;
      if (report.failures.size() < options.max_failures_kept) {
        report.failures.push_back({.where = std::move(where), .message = std::move(*violation)});
      }
    }
  }
  return report;
}

}  // namespace loopcheck::vfs
