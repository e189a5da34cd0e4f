#include "loopcheck/sim/sim_context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string>
#include <utility>

#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "loopcheck/sim/asio_io_guard.hpp"
#include "loopcheck/sim/asio_thread_frame.hpp"
#include "loopcheck/sim/sim_clock.hpp"

namespace loopcheck::sim {

namespace {

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "task 'b' #2 spawned at x.cpp:14 (suspended, waiting on queue 'saves' has space)"
std::string describe(const task_info& task) {
  return fmt::format("task '{}' #{} spawned at {}:{} ({}, {})", task.name, task.id, base_name(task.site.file_name()),
                     task.site.line(), to_string(task.state),
                     task.waiting_on.empty() ? std::string("not in a loopcheck wait")
                                             : fmt::format("waiting on {}", task.waiting_on));
}

}  // namespace

std::uint64_t current_chain() {
  const task_record* task = current_task();
  return task != nullptr ? task->id() : no_chain;
}

sim_context::sim_context(sim_options options)
    : options_(std::move(options)), log_(options_.event_log_capacity_events), ready_(options_.strategy, options_.seed) {
  clock_ = new sim_clock(*this);
  asio::add_service<clock_service>(*this, clock_);
  faults_ = new fault_points(*this, options_.seed, options_.replay_choices ? &*options_.replay_choices : nullptr);
  asio::add_service<fault_points>(*this, faults_);
  // Created now, after the clock: services shut down in reverse order of creation, so the
  // registry closes (and abandons its waiter lists) before the clock destroys its timers.
  task_registry::of(*this);
  record_eventf("run.start", "seed {} strategy {} pct_depth {} pct_horizon_steps {}", options_.seed,
                to_string(options_.strategy.kind), options_.strategy.pct_depth, options_.strategy.pct_horizon_steps);
}

sim_context::~sim_context() {
  alive_.reset();
  accepting_ = false;
  shutdown();
  // Bounded: nothing new is accepted, so each round removes one handler for good.
  while (!ready_.empty()) {
    ready_entry entry = ready_.take_oldest();
    // `entry` dies here: destroying a handler destroys the coroutine frames it owns.
  }
  // Destroy the services while this object's members still exist.
  destroy();
}

std::chrono::nanoseconds sim_context::now() const { return clock_->now(); }

std::size_t sim_context::pending_timers() const { return clock_->pending_timers(); }

choice_tape sim_context::choices_taken() const { return {schedule_taken_, faults_->fired()}; }

void sim_context::record_event(std::string_view kind, std::string_view detail) { log_.record(now(), kind, "{}", detail); }

void sim_context::submit(ready_handler handler, std::uint64_t chain) {
  if (!accepting_) return;  // the handler is destroyed here, never run
  const std::uint64_t sequence = ready_.push(std::move(handler), chain);
  record_eventf("post", "#{} chain {}", sequence, chain);
}

run_outcome sim_context::run() {
  LOOPCHECK_INVARIANT(!running_ && "sim_context::run() is not re-entrant");
  LOOPCHECK_INVARIANT(accepting_);
  running_context_guard guard(*this);
  asio_thread_frame asio_frame;
  struct running_flag {
    explicit running_flag(bool& flag) : flag_(flag) { flag_ = true; }
    ~running_flag() { flag_ = false; }
    bool& flag_;
  } running(running_);

  // Every round runs a handler or moves time to a timer that then becomes ready, so the step
  // budget bounds the loop.
  for (;;) {
    clock_->release_due_timers();
    if (!ready_.empty()) {
      if (steps_ >= options_.budget_steps) {
        return finish(run_status::hang, fmt::format("the step budget ran out ({} steps)", options_.budget_steps));
      }
      run_one();
      continue;
    }
    if (const auto deadline = clock_->next_deadline()) {
      if (*deadline > options_.virtual_time_budget) {
        clock_->advance_to(std::max(now(), options_.virtual_time_budget));
        return finish(run_status::hang,
                      fmt::format("the virtual time budget ran out ({}ns; next timer due at {}ns)",
                                  options_.virtual_time_budget.count(), deadline->count()));
      }
      clock_->advance_to(*deadline);
      continue;
    }
    if (io_guard_.complete_refused_operations() != 0) continue;  // a resolve failed: its waiter goes on
    const bool tasks_live = task_registry::of(*this).live_count() != 0;
    return finish(tasks_live ? run_status::deadlock : run_status::completed,
                  "no handler is ready and no timer is pending");
  }
}

void sim_context::run_one() {
  const std::uint64_t step = steps_++;
  ready_choice choice = options_.replay_choices ? ready_.pick_index(options_.replay_choices->index_at(step))
                                                : ready_.pick(step);
  if (choice.index != 0) schedule_taken_.push_back({step, choice.index});
  const std::uint64_t sequence = choice.entry.sequence;
  record_eventf("pick", "#{} index {} of {}", sequence, choice.index, choice.ready_count);
  std::move(choice.entry.handler)();
  record_eventf("done", "#{}", sequence);
}

run_outcome sim_context::finish(run_status status, std::string_view reason) {
  run_outcome outcome;
  outcome.status = status;
  outcome.steps = steps_;
  outcome.virtual_time = now();
  if (status != run_status::completed) {
    auto& registry = task_registry::of(*this);
    auto tasks = registry.snapshot();
    std::sort(tasks.begin(), tasks.end(), [](const task_info& a, const task_info& b) { return a.id < b.id; });
    finding f;
    f.kind = status == run_status::deadlock ? finding_kind::deadlock : finding_kind::hang;
    f.time = now();
    if (!tasks.empty()) {  // the structured fields name the oldest task; the message names all
      f.task_name = tasks.front().name;
      f.task_id = tasks.front().id;
      f.site = tasks.front().site;
    }
    f.message = fmt::format("{}; {} live task(s)", reason, tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) f.message += (i == 0 ? ": " : "; ") + describe(tasks[i]);
    registry.core()->record(f);
    outcome.failure = std::move(f);
  }
  record_eventf("run.end", "{} after {} steps", to_string(status), steps_);
  outcome.event_hash = hash();
  return outcome;
}

std::function<void(std::string_view, std::string_view)> file_event_hook(sim_context& context) {
  return [alive = std::weak_ptr<sim_context*>(context.alive_)](std::string_view kind, std::string_view detail) {
    if (const auto context = alive.lock()) (*context)->record_eventf("fs", "{} {}", kind, detail);
  };
}

}  // namespace loopcheck::sim
