#pragma once
// One run of a scenario, as every caller (campaigns, shrinking, replay, selftest) makes it:
// the run's simulated contexts replay `spec.choices` when it has them, and the choices each
// context made are collected into the result, whatever number of contexts the family creates.
// A real-mode run of a variant that provokes a sanitizer report on purpose runs in a child
// process in a sanitizer build (isolated_run.hpp).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "loopcheck/harness/run_timeline.hpp"
#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

run_result run_scenario(const scenario& family, const run_spec& spec);

// run_scenario with a recorder: the run's result and its timeline, finished (run_timeline.hpp;
// `run_name` is its title, the replay token). A run isolated in a child process records
// nothing but its findings.
struct recorded_run {
  run_result result;
  std::unique_ptr<run_timeline> timeline;
};
recorded_run run_scenario_recorded(const scenario& family, const run_spec& spec, std::string run_name);

namespace run_hooks {
// For run_on_sim, inside run_scenario on this thread: the tape the next simulated context
// replays (nullopt: the seed decides), then what that context chose. Outside run_scenario the
// spec's first tape is replayed and nothing is collected.
std::optional<sim::choice_tape> next_context_replay(const run_spec& spec);
void context_finished(sim::choice_tape taken);
}  // namespace run_hooks

}  // namespace loopcheck::harness
