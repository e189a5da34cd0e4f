#include "loopcheck/harness/sim_run.hpp"

#include <fmt/format.h>
#include <utility>

#include "loopcheck/harness/run_timeline.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/schedule_features.hpp"
#include "loopcheck/harness/swarm.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/sim/sim_context.hpp"

namespace loopcheck::harness {

run_result run_on_sim(const run_spec& spec, const scenario_body& body, sim_limits limits) {
  sim::sim_options options;
  options.seed = spec.seed;
  options.strategy.kind = spec.strategy;
  options.budget_steps = limits.budget_steps;
  options.virtual_time_budget = limits.virtual_time_budget;
  options.replay_choices = run_hooks::next_context_replay(spec);
  run_timeline* timeline = timeline_recording::active();
  if (timeline != nullptr) options.event_log_capacity_events = run_timeline::max_sim_events;
  if (spec.swarm_key) options.faults = swarm_fault_profile(*spec.swarm_key);
  run_result result;
  std::shared_ptr<findings_log> log;
  {
    sim::sim_context context(std::move(options));
    auto ex = asio::any_io_executor(context.get_executor());
    log = task_registry::of(context).findings();
    auto core = task_registry::of(context).core();
    const auto exit_after = limits.program_exit_after_body;
    spawn_tracked(ex, limits.root_task_name, body(ex),
                  [core, exit_after, &context](task_record& task, std::exception_ptr error) {
                    if (error) core->record(finding_kind::invariant, task, "the scenario body failed: " + loopcheck::detail::describe(error));
                    if (exit_after) context.set_virtual_time_budget(context.now() + *exit_after);
                  },
                  std::source_location::current());
    const auto outcome = context.run();
    result.event_hash = outcome.event_hash;
    result.steps = outcome.steps;
    result.metrics["virtual_ms"] = std::chrono::duration<double, std::milli>(outcome.virtual_time).count();
    for (const auto& [name, hits] : context.coverage().probes) result.probes[name] = hits;
    for (const auto& [site, stats] : context.coverage().fault_sites) {
      result.faults_reached[site] = stats.reached;
      result.faults_fired[site] = stats.fired;
    }
    if (timeline != nullptr) timeline->add_sim_events(*core, context.events(), context.total_events());
    std::map<std::string, std::uint64_t> schedule_features;
    if (run_hooks::observing_schedule()) add_schedule_features(context.events(), schedule_features);
    run_hooks::context_finished(context.choices_taken(), context.faults().fired_steps(), context.faults().probe_steps(),
                                schedule_features);
  }  // destroying the context reports tasks it still held
  result.findings = log->snapshot();
  if (limits.program_exit_after_body) std::erase_if(result.findings, [](const finding& f) { return f.kind == finding_kind::hang; });
  return result;
}

run_result run_on_real(const run_spec& spec, const scenario_body& body, std::chrono::milliseconds real_time_budget) {
  run_result result;
  std::shared_ptr<findings_log> log;
  const auto started = std::chrono::steady_clock::now();
  {
    asio::io_context context;
    auto ex = asio::any_io_executor(context.get_executor());
    log = task_registry::of(context).findings();
    auto core = task_registry::of(context).core();
    spawn_tracked(ex, "scenario", body(ex),
                  [core](task_record& task, std::exception_ptr error) {
                    if (error) core->record(finding_kind::invariant, task, "the scenario body failed: " + loopcheck::detail::describe(error));
                  },
                  std::source_location::current());
    context.run_for(real_time_budget);
    if (!context.stopped()) {
      core->record(finding{finding_kind::hang, spec.family, 0, {}, core->now(),
                           fmt::format("the run did not finish within {} ms of real time", real_time_budget.count())});
    }
  }
  result.findings = log->snapshot();
  result.metrics["real_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void loop_findings::watch(const asio::any_io_executor& ex) { logs_.push_back(task_registry::of(ex).findings()); }

void loop_findings::add_to(run_result& result) const {
  for (const auto& log : logs_) {
    for (auto& f : log->snapshot()) result.findings.push_back(std::move(f));
  }
}

void add_finding(run_result& result, finding_kind kind, std::string message) {
  result.findings.push_back(finding{kind, {}, 0, {}, {}, std::move(message)});
}

}  // namespace loopcheck::harness
