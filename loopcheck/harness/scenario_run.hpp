#pragma once
// One run of a scenario, as every caller (campaigns, shrinking, replay, selftest) makes it:
// the run's simulated contexts replay `spec.choices` when it has them, and the choices each
// context made are collected into the result, whatever number of contexts the family creates.
// A real-mode run of a variant that provokes a sanitizer report on purpose runs in a child
// process in a sanitizer build (isolated_run.hpp).
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/harness/run_timeline.hpp"
#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

// What a run collects beyond its findings and coverage, at a cost, for a guided search.
struct run_observation {
  bool schedule_features = false;  // run_result::schedule_features, from each context's event log
};

run_result run_scenario(const scenario& family, const run_spec& spec, run_observation observation = {});

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
// Whether the run in progress wants schedule features (run_observation).
bool observing_schedule();
void context_finished(sim::choice_tape taken, std::vector<std::uint64_t> fault_fire_steps,
                      std::map<std::string, std::vector<std::uint64_t>, std::less<>> probe_steps,
                      const std::map<std::string, std::uint64_t>& schedule_features);
}  // namespace run_hooks

}  // namespace loopcheck::harness
