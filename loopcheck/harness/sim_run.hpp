#pragma once
// Runs one scenario body on a fresh sim_context configured from a run_spec, and collects what
// the run reported — including findings made while the context is destroyed (leaked tasks).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/harness/scenario.hpp"
#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::harness {

using scenario_body = std::function<asio::awaitable<void>(asio::any_io_executor)>;

struct sim_limits {
  std::uint64_t budget_steps = 200'000;
  std::chrono::nanoseconds virtual_time_budget = std::chrono::hours(1);
  // Models the process exiting this long (virtual time) after the scenario body ends, as
  // asyncio.run() returns when its main coroutine does: the loop stops for good then, and that
  // stop is not itself a `hang` finding (what it leaves pending still is reported).
  std::optional<std::chrono::nanoseconds> program_exit_after_body{};
  // The tracked root task's name in findings (a simulated test case gives its own).
  std::string root_task_name = "scenario";
};

// `body` runs as the tracked root task (limits.root_task_name); if it throws, that is an `invariant`
// finding. The caller checks its own invariants afterwards and appends findings.
run_result run_on_sim(const run_spec& spec, const scenario_body& body, sim_limits limits = {});

// Runs `body(ex)` on a real io_context, as the tracked root task "scenario", for at most
// `real_time_budget` (then the loop is stopped: a `hang` finding). Same reporting as run_on_sim.
run_result run_on_real(const run_spec& spec, const scenario_body& body,
                       std::chrono::milliseconds real_time_budget = std::chrono::seconds(60));

// The findings of real loops a run creates beside (or instead of) run_on_real's: background
// loop threads, a daemon thread's bare io_context. Read them after the loops are destroyed —
// a destroyed loop reports the tasks it still held.
class loop_findings {
 public:
  void watch(const asio::any_io_executor& ex);
  void add_to(run_result& result) const;

 private:
  std::vector<std::shared_ptr<findings_log>> logs_;
};

// Appends a finding of `kind` that is not about one task.
void add_finding(run_result& result, finding_kind kind, std::string message);

}  // namespace loopcheck::harness
