#pragma once
// Tracked spawning: the machinery under task scopes, loop threads and detached tasks. A tracked
// task is a coroutine started as co_spawn starts one, whose registry entry follows it from
// spawn to end, and whose bottom frame reports it when destroyed before it finished.
#include <exception>
#include <memory>
#include <source_location>
#include <string_view>
#include <utility>

#include <boost/version.hpp>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

namespace detail {

// launch() starts a task through Asio's coroutine machinery as co_spawn does (awaitable_handler,
// the entry-point frame type, the parent cancellation slot), which is not public API: written
// against Boost 1.81 (Debian 12). Re-check task_entry against co_spawn_entry_point before
// building with another Boost.
static_assert(BOOST_VERSION / 100 == 1081, "loopcheck's task launch is written against Boost 1.81's Asio internals");

std::string describe(const std::exception_ptr& error);
void report_unobserved(task_record& task, const std::exception_ptr& error, std::string_view context);

// How a tracked task ends. It lives in the task's bottom frame (task_entry), so it is
// destroyed without being invoked exactly when that frame is destroyed before the task
// finished: before it started (an orphan) or while it was suspended (a leak). No extra
// coroutine frame is needed to watch a task.
template <typename OnDone>
class task_completion {
 public:
  task_completion(task_ref record, OnDone on_done) : record_(std::move(record)), on_done_(std::move(on_done)) {}
  task_completion(task_completion&&) noexcept = default;
  task_completion& operator=(task_completion&&) = delete;
  ~task_completion() {
    if (record_) record_->on_frame_destroyed();
  }

  task_record& record() const { return *record_; }

  // OnDone: void(task_record&, std::exception_ptr).
  void operator()(std::exception_ptr error) {
    auto record = std::move(record_);
    record->mark_done();
    on_done_(*record, std::move(error));
  }

 private:
  task_ref record_;
  OnDone on_done_;
};

// The task launch() is starting on this thread, if any: a task that runs to its end inside
// launch() must not complete there (see task_entry).
inline thread_local const task_record* task_being_launched = nullptr;

// Holds one unit of outstanding work on the task's context while the task's bottom frame
// lives, as co_spawn's work guard does: run() does not return while a task is parked outside
// Asio's queues.
// Counted: the record must outlive the work it gives back, whoever else lets go of it first.
class task_work_guard {
 public:
  explicit task_work_guard(task_record& task) noexcept : task_(&task) { task_->work_started(); }
  ~task_work_guard() { task_->work_finished(); }
  task_work_guard(const task_work_guard&) = delete;
  task_work_guard& operator=(const task_work_guard&) = delete;

 private:
  const task_ref task_;
};

// The bottom frame of a tracked task, in place of co_spawn's entry point. It keeps what a
// tracked task needs of co_spawn's (start on the task's executor, hold outstanding work, catch
// the failure, never complete inside the spawning call) and drops what only a caller's
// completion handler needs: a second work guard for the handler's executor, a hop through that
// executor to invoke it, and a cancellation handler between the caller's slot and the task.
// Those are most of co_spawn's own cost per task (docs/benchmarks.md, spawn_overhead).
template <typename T, typename OnDone>
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> task_entry(
    asio::awaitable<T> work, task_completion<OnDone> completion) {
  const task_work_guard work_held(completion.record());
  co_await asio::dispatch(asio::use_awaitable);
  // On the task's context now, where cancellation is emitted: connect the task's cancellation
  // state to its record's signal here rather than in launch(), which may run on another thread.
  co_await asio::this_coro::reset_cancellation_state();
  std::exception_ptr error;
  if (completion.record().cancel_requested()) {  // before the state was connected
    error = std::make_exception_ptr(
        boost::system::system_error(asio::error::operation_aborted, "cancelled before it started"));
  } else {
    try {
      co_await std::move(work);
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (task_being_launched != &completion.record()) {
    completion(std::move(error));
    co_return;
  }
  // Started and finished inline, inside spawn(): its end belongs after spawn() returns. Posted
  // as a plain handler, not co_awaited: a co_await here would throw if the task was cancelled.
  const asio::any_io_executor task_ex{tracked_executor(completion.record())};
  asio::post(task_ex, [completion = std::move(completion), error = std::move(error)]() mutable {
    completion(std::move(error));
  });
}

// A registry entry for a task about to be spawned on `ex`, or null when the context is being
// destroyed (then an orphan_spawn finding is recorded: the work would never run).
task_ref new_task_record(const asio::any_io_executor& ex, std::string_view name, std::source_location site);
// The same with `ex`'s registry core at hand, sparing the look-up (Asio locks its service list).
task_ref new_task_record(const std::shared_ptr<registry_core>& core, const asio::any_io_executor& ex,
                         std::string_view name, std::source_location site);

// Spawns `work` on the record's executor (new_task_record's `ex`), as co_spawn does but through
// task_entry. The task's cancellation slot is its record's signal, so a recycled record lends
// the next task the memory of its cancellation state; task_entry connects it.
template <typename T, typename OnDone>
void launch(const task_ref& record, asio::awaitable<T> work, OnDone on_done) {
  const asio::any_io_executor task_ex{tracked_executor(*record)};
  struct launching {
    const task_record* outer;
    ~launching() { task_being_launched = outer; }
  } const marked{std::exchange(task_being_launched, record.get())};
  asio::detail::awaitable_handler<asio::any_io_executor, void>(
      task_entry(std::move(work), task_completion<OnDone>(record, std::move(on_done))), task_ex,
      record->cancellation_slot(), asio::cancellation_state())
      .launch();
}

}  // namespace detail

// Spawns `work` as a tracked task on `ex`; `on_done(task_record&, std::exception_ptr)` runs on
// the task's executor when it ends. Returns the record, or null for an orphan spawn.
template <typename T, typename OnDone>
task_ref spawn_tracked(const asio::any_io_executor& ex, std::string_view name,
                                           asio::awaitable<T> work, OnDone on_done, std::source_location site) {
  auto record = detail::new_task_record(ex, name, site);
  if (record) detail::launch(record, std::move(work), std::move(on_done));
  return record;
}

// Fire-and-forget, done loudly: a failure nobody can observe becomes an unobserved_exception
// finding instead of vanishing as it does with co_spawn(..., detached).
template <typename T>
void spawn_detached(const asio::any_io_executor& ex, std::string_view name, asio::awaitable<T> work,
                    std::source_location site = std::source_location::current()) {
  spawn_tracked(ex, name, std::move(work),
                [](task_record& task, std::exception_ptr error) {
                  if (error) detail::report_unobserved(task, error, "a detached task failed");
                },
                site);
}

}  // namespace loopcheck
