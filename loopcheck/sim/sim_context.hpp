#pragma once
// A deterministic, single-threaded Asio execution context (anchors: FoundationDB simulation,
// TigerBeetle's VOPR, shuttle, Coyote). What runs on it: code that reaches the outside world only
// through its executor (post, dispatch, co_spawn, strands), loopcheck's runtime (sleep_for,
// loopcheck::steady_timer, task scopes, queues) and loopcheck::vfs::sim_vfs. Asio's I/O objects
// (asio::steady_timer, sockets, signal_set) and posix_vfs need real I/O: on this context they
// throw foreign_io_error where they are created or used (docs/sim.md), rather than start a
// thread and end the run in a false deadlock. The context decides which ready handler runs next (by a seeded strategy), keeps
// virtual time, ends runaway runs at a budget, detects deadlock, logs and hashes every
// decision, and hosts the fault points. A run is determined by its program and sim_options.
//
//   loopcheck::sim::sim_context sim({.seed = 42});
//   loopcheck::spawn_detached(sim.get_executor(), "writer", write_all());
//   auto outcome = sim.run();   // completed, deadlock or hang; outcome.event_hash
//
// No decision depends on a real clock, a global random source or a pointer value. (The
// clock_service base records a real epoch at construction; sim_clock never reads it.)
// Single-threaded: post to it and run it from one thread.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/sim/asio_io_guard.hpp"
#include "loopcheck/sim/event_log.hpp"
#include "loopcheck/sim/fault_points.hpp"
#include "loopcheck/sim/ready_queue.hpp"
#include "loopcheck/sim/run_outcome.hpp"
#include "loopcheck/sim/sim_executor.hpp"
#include "loopcheck/sim/sim_options.hpp"

namespace loopcheck::sim {

class sim_clock;

class sim_context : public asio::execution_context {
 public:
  using executor_type = sim_executor;

  explicit sim_context(sim_options options = {});
  // Shuts the services down (the task registry first: it closes and abandons its waiter
  // lists; then the clock destroys its timers), then destroys every pending handler without
  // running it, so tracked tasks still suspended report leaked_task.
  ~sim_context();
  sim_context(const sim_context&) = delete;
  sim_context& operator=(const sim_context&) = delete;

  executor_type get_executor() noexcept { return executor_type(*this); }

  // Runs until nothing is ready and no timer is pending (completed or deadlock) or a budget
  // runs out (hang). Exceptions escaping a handler propagate, as from io_context::run().
  run_outcome run();

  std::chrono::nanoseconds now() const;
  // Moves the virtual-time budget, e.g. to model the process exiting a little after its main
  // task ends. Never earlier than now.
  void set_virtual_time_budget(std::chrono::nanoseconds budget) { options_.virtual_time_budget = std::max(budget, now()); }
  std::uint64_t steps() const { return steps_; }
  const sim_options& options() const { return options_; }
  std::size_t ready_handlers() const { return ready_.size(); }
  std::size_t pending_timers() const;
  std::size_t outstanding_work() const { return outstanding_work_; }

  // The run's identity: FNV-1a over every event so far.
  std::uint64_t hash() const { return log_.hash(); }
  // The most recent events (at most options().event_log_capacity_events), oldest first.
  std::vector<sim_event> events() const { return log_.recent(); }
  std::uint64_t total_events() const { return log_.total_events(); }
  // Adds an event from another component (the simulated file system) to the log and hash.
  void record_event(std::string_view kind, std::string_view detail);
  // record_event with a detail formatted only if the event is displayed (see event_log): this
  // runs several times per simulated step.
  template <typename... Args>
  void record_eventf(std::string_view kind, fmt::format_string<Args...> format, const Args&... args) {
    log_.record(now(), kind, format, args...);
  }

  // Which fault sites were reached, active and fired, and how often each probe was hit.
  const coverage_report& coverage() const { return faults_->coverage(); }
  fault_points& faults() { return *faults_; }
  // The choices this run made so far: replaying them (sim_options::replay_choices) repeats it.
  choice_tape choices_taken() const;

 private:
  friend class sim_executor;
  friend std::function<void(std::string_view, std::string_view)> file_event_hook(sim_context&);
  friend class sim_clock;

  bool running_in_this_thread() const noexcept { return running_; }
  // Queues a handler; `chain` is the PCT chain (a task id, or no_chain). Dropped (destroyed
  // at once) once the context is shutting down: such work would never run.
  void submit(ready_handler handler, std::uint64_t chain);
  void run_one();
  run_outcome finish(run_status status, std::string_view reason);

  // First: registered before anything could create an Asio I/O object on this context.
  asio_io_guard io_guard_{*this};
  sim_options options_;
  event_log log_;
  // Expires when the context is destroyed; file_event_hook holds it weakly.
  std::shared_ptr<sim_context*> alive_ = std::make_shared<sim_context*>(this);
  ready_queue ready_;
  sim_clock* clock_ = nullptr;
  fault_points* faults_ = nullptr;
  std::uint64_t steps_ = 0;
  std::vector<schedule_choice> schedule_taken_;
  std::size_t outstanding_work_ = 0;
  bool running_ = false;
  bool accepting_ = true;
};

// A hook for the simulated file system (vfs::sim_vfs::options::on_event): each file operation
// becomes an "fs" event of `context`'s log and hash. The file system may outlive the context
// (a scenario reads its files after the run): the hook then records nothing.
std::function<void(std::string_view kind, std::string_view detail)> file_event_hook(sim_context& context);

// The chain a handler posted now belongs to: the current tracked task's id, else no_chain.
std::uint64_t current_chain();

}  // namespace loopcheck::sim
