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
#include "loopcheck/runtime/exception_text.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

namespace detail {

// How launch() starts a task, chosen per Boost version:
// - Boost 1.81 (Debian 12, the version checked here): through Asio's coroutine machinery as
//   co_spawn does (awaitable_handler, the entry-point frame type), with loopcheck's own bottom
//   frame (task_entry) in place of co_spawn's entry point. That is not public API, and its
//   saving is most of co_spawn's cost per task (docs/benchmarks.md, spawn_overhead), so it is
//   used only where task_entry was checked against that version's co_spawn_entry_point.
// - Every other Boost, and any build defining LOOPCHECK_PORTABLE_TASK_LAUNCH (the CMake
//   option of that name): through the public co_spawn, with the same observable behaviour.
#if BOOST_VERSION / 100 == 1081 && !defined(LOOPCHECK_PORTABLE_TASK_LAUNCH)
#define LOOPCHECK_DETAIL_ASIO_INTERNAL_LAUNCH 1
inline constexpr bool portable_task_launch = false;
#else
#define LOOPCHECK_DETAIL_ASIO_INTERNAL_LAUNCH 0
inline constexpr bool portable_task_launch = true;
#endif

void report_unobserved(task_record& task, const std::exception_ptr& error, std::string_view context);
// Null, or the failure of a task whose cancellation came before its cancellation state was
// connected: it then ends without running. Call on the task's context once it is connected.
std::exception_ptr cancelled_before_start(const task_record& task);

// The task launch() is starting on this thread, if any: a task that runs to its end inside
// launch() must not complete there (task_completion::finish).
inline thread_local const task_record* task_being_launched = nullptr;

// Marks `task` as being launched on this thread for the marker's lifetime.
class launching_task {
 public:
  explicit launching_task(const task_record& task) noexcept : outer_(std::exchange(task_being_launched, &task)) {}
  ~launching_task() { task_being_launched = outer_; }
  launching_task(const launching_task&) = delete;
  launching_task& operator=(const launching_task&) = delete;

 private:
  const task_record* outer_;
};

// How a tracked task ends. It lives in the task's bottom frame (on the portable path, in the
// handler that creates that frame until then), so it is destroyed without being invoked exactly
// when the task is destroyed before it finished: before it started (an orphan) or while it was
// suspended (a leak). No extra coroutine frame is needed to watch a task.
template <typename OnDone>
class task_completion {
 public:
  task_completion(task_ref record, OnDone on_done) : record_(std::move(record)), on_done_(std::move(on_done)) {}
  task_completion(task_completion&&) noexcept = default;
  task_completion& operator=(task_completion&&) = delete;
  ~task_completion() {
    if (!record_) return;
    // Destroyed inside launch(): the launch failed and its exception reaches the spawner, who
    // learns of it there. Nothing was lost silently, so nothing is reported.
    if (task_being_launched == record_.get()) record_->mark_done();
    else record_->on_frame_destroyed();
  }

  task_record& record() const { return *record_; }

  // Ends the task with `error` (null: success) on the task's context: now, unless the task
  // started and finished inline inside launch(), whose caller must see its end only after
  // launch() returns. Posted as a plain handler then, not co_awaited: a co_await would throw
  // if the task was cancelled.
  void finish(std::exception_ptr error) && {
    if (task_being_launched != record_.get()) return complete(std::move(error));
    const asio::any_io_executor task_ex{tracked_executor(*record_)};
    asio::post(task_ex, [self = std::move(*this), error = std::move(error)]() mutable {
      self.complete(std::move(error));
    });
  }

 private:
  // OnDone: void(task_record&, std::exception_ptr).
  void complete(std::exception_ptr error) {
    auto record = std::move(record_);
    record->mark_done();
    on_done_(*record, std::move(error));
  }

  task_ref record_;
  OnDone on_done_;
};

#if LOOPCHECK_DETAIL_ASIO_INTERNAL_LAUNCH

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
//
// It starts on the task's context (launch() dispatches there first), where cancellation is
// emitted: it connects the task's cancellation state to its record's signal there rather than
// in launch(), which may run on another thread.
template <typename T, typename OnDone>
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> task_entry(
    asio::awaitable<T> work, task_completion<OnDone> completion) {
  const task_work_guard work_held(completion.record());
  co_await asio::this_coro::reset_cancellation_state();
  // The work runs here rather than in a coroutine shared with the portable path (run_work):
  // that frame per task costs about a tenth of the steady spawn_overhead ratio.
  std::exception_ptr error = cancelled_before_start(completion.record());
  if (!error) {
    try {
      co_await std::move(work);
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::move(completion).finish(std::move(error));
}

#else  // the portable launch

// The task co_spawn runs: its work, unless a cancel came before co_spawn connected the task's
// cancellation state. Returns the work's failure rather than throwing it, so that it can stop
// a cancelled task's end from throwing: co_spawn's entry point co_awaits a post after a body
// that never switched context, and in Boost 1.81 that throws out of run() once the task's
// cancellation state is cancelled.
template <typename T>
asio::awaitable<std::exception_ptr> run_work(asio::awaitable<T> work, const task_record& task) {
  std::exception_ptr error = cancelled_before_start(task);
  if (!error) {
    try {
      co_await std::move(work);
    } catch (...) {
      error = std::current_exception();
    }
  }
  co_await asio::this_coro::throw_if_cancelled(false);
  co_return error;
}

// co_spawn's completion handler for a tracked task. co_spawn keeps it in its entry-point frame,
// so the task_completion inside is destroyed uninvoked exactly when that frame is destroyed
// before the task finished, as task_entry's is on the Asio-internal path.
//
// Its cancellation slot (the record's signal) is declared here rather than bound with
// bind_cancellation_slot: co_spawn keeps, in that slot, a copy of its executor (the task's
// tracked executor, which holds the record) whenever the handler has an associated executor,
// as a binder does; the record would then hold itself and never be freed.
template <typename OnDone>
class task_completion_handler {
 public:
  using cancellation_slot_type = asio::cancellation_slot;

  explicit task_completion_handler(task_completion<OnDone> completion) : completion_(std::move(completion)) {}

  cancellation_slot_type get_cancellation_slot() const noexcept { return completion_.record().cancellation_slot(); }

  // `launch_error`: co_spawn's own failure to run run_work (which returns the work's).
  void operator()(std::exception_ptr launch_error, std::exception_ptr work_error) {
    std::move(completion_).finish(launch_error ? std::move(launch_error) : std::move(work_error));
  }

 private:
  task_completion<OnDone> completion_;
};

#endif

// A registry entry for a task about to be spawned on `ex`, or null when the context is being
// destroyed (then an orphan_spawn finding is recorded: the work would never run).
task_ref new_task_record(const asio::any_io_executor& ex, std::string_view name, std::source_location site);
// The same with `ex`'s registry core at hand, sparing the look-up (Asio locks its service list).
task_ref new_task_record(const std::shared_ptr<registry_core>& core, const asio::any_io_executor& ex,
                         std::string_view name, std::source_location site);

// Spawns `work` on the record's executor (new_task_record's `ex`). The task's cancellation slot
// is its record's signal, connected on the task's context, where cancellation is emitted.
//
// Both paths hop to the task's context before anything starts, holding the task as a coroutine
// not yet started: an executor that refuses the hop (its execute() throws) then destroys the
// task without running it, and the exception reaches the spawner. (Once started, a coroutine
// unwinds through its executor: a refusal there would terminate the process.)
//
// The hop is the tracked executor's own execute(), preferring blocking.possibly as dispatch does:
// it spares the copies of the type-erased executor that dispatch's property preferences make,
// each an atomic count on the record (docs/benchmarks.md, spawn_overhead).
template <typename T, typename OnDone>
void launch(const task_ref& record, asio::awaitable<T> work, OnDone on_done) {
  const launching_task marked(*record);
  task_completion<OnDone> completion(record, std::move(on_done));
  const auto hop = tracked_executor(*record).require(asio::execution::blocking.possibly);
#if LOOPCHECK_DETAIL_ASIO_INTERNAL_LAUNCH
  // A recycled record lends the next task the memory of its cancellation state.
  hop.execute([task_ex = asio::any_io_executor(hop), slot = record->cancellation_slot(),
               entry = task_entry(std::move(work), std::move(completion))]() mutable {
    asio::detail::awaitable_handler<asio::any_io_executor, void>(std::move(entry), std::move(task_ex), slot,
                                                                 asio::cancellation_state())
        .launch();
  });
#else
  // co_spawn connects the handler's slot where it is called: call it on the task's context. A
  // context destroyed before then destroys this handler, and with it the completion (an orphan).
  hop.execute([task_ex = asio::any_io_executor(hop), work = std::move(work), completion = std::move(completion)]() mutable {
    const task_record& task = completion.record();
    asio::co_spawn(std::move(task_ex), run_work(std::move(work), task),
                   task_completion_handler<OnDone>(std::move(completion)));
  });
#endif
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
