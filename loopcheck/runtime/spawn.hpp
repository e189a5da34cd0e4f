#pragma once
// Tracked spawning: the machinery under task scopes, loop threads and detached tasks. A tracked
// task is a co_spawn'd coroutine whose registry entry follows it from spawn to end, and whose
// frame reports itself when destroyed before finishing.
#include <exception>
#include <memory>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

namespace detail {

std::string describe(const std::exception_ptr& error);
void report_unobserved(task_record& task, const std::exception_ptr& error, std::string_view context);

// The completion handler of a tracked co_spawn. Asio keeps it in the coroutine's bottom frame,
// so it is destroyed without being invoked exactly when that frame is destroyed before the task
// finished: before it started (an orphan) or while it was suspended (a leak). No extra
// coroutine frame is needed to watch a task.
//
// Its cancellation slot is the task's signal. It is associated here rather than through
// bind_cancellation_slot on purpose: a handler with no associated executor makes co_spawn
// install a cancellation handler that holds no executor, so the record's signal never refers
// back to the record (through the task's tracked executor) and the record can be recycled.
template <typename OnDone>
class task_completion {
 public:
  task_completion(task_ref record, OnDone on_done) : record_(std::move(record)), on_done_(std::move(on_done)) {}
  task_completion(task_completion&&) noexcept = default;
  task_completion& operator=(task_completion&&) = delete;
  ~task_completion() {
    if (record_) record_->on_frame_destroyed();
  }

  using cancellation_slot_type = asio::cancellation_slot;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return record_ ? record_->cancel_signal().slot() : cancellation_slot_type();
  }

  // OnDone: void(task_record&, std::exception_ptr); a result value is discarded.
  template <typename... Result>
  void operator()(std::exception_ptr error, Result&&...) {
    auto record = std::move(record_);
    record->mark_done();
    on_done_(*record, std::move(error));
  }

 private:
  task_ref record_;
  OnDone on_done_;
};

// A registry entry for a task about to be spawned on `ex`, or null when the context is being
// destroyed (then an orphan_spawn finding is recorded: the work would never run).
task_ref new_task_record(const asio::any_io_executor& ex, std::string_view name, std::source_location site);
// The same with `ex`'s registry core at hand, sparing the look-up (Asio locks its service list).
task_ref new_task_record(const std::shared_ptr<registry_core>& core, const asio::any_io_executor& ex,
                         std::string_view name, std::source_location site);

// Spawns `work` on the record's executor (new_task_record's `ex`).
template <typename T, typename OnDone>
void launch(const task_ref& record, asio::awaitable<T> work, OnDone on_done) {
  // co_spawn picks its executor-free cancellation handler by this Asio trait (see task_completion).
  static_assert(std::is_void_v<typename asio::associated_executor<
                    task_completion<OnDone>, asio::any_io_executor>::asio_associated_executor_is_unspecialised>);
  asio::any_io_executor task_ex{tracked_executor(*record)};
  asio::co_spawn(task_ex, std::move(work), task_completion<OnDone>(record, std::move(on_done)));
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
