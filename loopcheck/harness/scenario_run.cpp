#include "loopcheck/harness/scenario_run.hpp"

#include "loopcheck/harness/isolated_run.hpp"
#include "loopcheck/runtime/invariant.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace loopcheck::harness {

namespace {

struct run_state {
  run_observation observation;
  std::size_t contexts_started = 0;
  std::vector<sim::choice_tape> taken;
  std::vector<std::vector<std::uint64_t>> fault_fire_steps;
  std::vector<std::map<std::string, std::vector<std::uint64_t>, std::less<>>> probe_steps;
  std::map<std::string, std::uint64_t> schedule_features;
};

// The run in progress on this thread (campaign workers run one at a time each).
thread_local run_state* current_run = nullptr;

}  // namespace

// True when `spec` must run in a child process: see variant_spec.
bool runs_isolated(const scenario& family, const run_spec& spec) {
  if (spec.mode != run_mode::real || !isolate_sanitizer_reports()) return false;
  const auto variants = family.variants();
  return std::any_of(variants.begin(), variants.end(), [&](const variant_spec& v) {
    return v.name == spec.variant && v.provokes_sanitizer_report_in_real_mode;
  });
}

run_result run_scenario(const scenario& family, const run_spec& spec, run_observation observation) {
  if (runs_isolated(family, spec)) return run_isolated(spec, family);
  LOOPCHECK_INVARIANT(current_run == nullptr && "run_scenario does not nest");
  run_state state;
  state.observation = observation;
  current_run = &state;
  struct restore {
    ~restore() { current_run = nullptr; }
  } on_exit;
  run_result result = family.run(spec);
  result.choices = std::move(state.taken);
  result.fault_fire_steps = std::move(state.fault_fire_steps);
  result.probe_steps = std::move(state.probe_steps);
  result.schedule_features = std::move(state.schedule_features);
  return result;
}

recorded_run run_scenario_recorded(const scenario& family, const run_spec& spec, std::string run_name) {
  recorded_run recorded;
  recorded.timeline = std::make_unique<run_timeline>(
      spec.mode == run_mode::sim ? timeline_clock::virtual_time : timeline_clock::real_time, std::move(run_name));
  {
    timeline_recording recording(*recorded.timeline);
    recorded.result = run_scenario(family, spec);
  }
  recorded.timeline->finish(recorded.result.findings);
  return recorded;
}

namespace run_hooks {

std::optional<sim::choice_tape> next_context_replay(const run_spec& spec) {
  const std::size_t ordinal = current_run != nullptr ? current_run->contexts_started++ : 0;
  if (!spec.choices) return std::nullopt;
  return ordinal < spec.choices->size() ? (*spec.choices)[ordinal] : sim::choice_tape{};
}

bool observing_schedule() { return current_run != nullptr && current_run->observation.schedule_features; }

void context_finished(sim::choice_tape taken, std::vector<std::uint64_t> fault_fire_steps,
                      std::map<std::string, std::vector<std::uint64_t>, std::less<>> probe_steps,
                      const std::map<std::string, std::uint64_t>& schedule_features) {
  if (current_run == nullptr) return;
  current_run->taken.push_back(std::move(taken));
  current_run->fault_fire_steps.push_back(std::move(fault_fire_steps));
  current_run->probe_steps.push_back(std::move(probe_steps));
  for (const auto& [feature, count] : schedule_features) current_run->schedule_features[feature] += count;
}

}  // namespace run_hooks

}  // namespace loopcheck::harness
