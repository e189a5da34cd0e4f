#pragma once
// Tracked spawning: the machinery under task scopes, loop threads and detached tasks. A tracked
// task is a co_spawn'd coroutine whose registry entry follows it from spawn to end, and whose
// frame reports itself when destroyed before finishing.
#include <exception>
#include <memory>
#include <source_location>
#include <string_view>
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
template <typename OnDone>
class task_completion {
 public:
  task_completion(std::shared_ptr<task_record> record, OnDone on_done)
      : record_(std::move(record)), on_done_(std::move(on_done)) {}
  task_completion(task_completion&&) noexcept = default;
  task_completion& operator=(task_completion&&) = delete;
  ~task_completion() {
    if (record_) record_->on_frame_destroyed();
  }

  // OnDone: void(task_record&, std::exception_ptr); a result value is discarded.
  template <typename... Result>
  void operator()(std::exception_ptr error, Result&&...) {
    auto record = std::move(record_);
    record->mark_done();
    on_done_(*record, std::move(error));
  }

 private:
  std::shared_ptr<task_record> record_;
  OnDone on_done_;
};

// A registry entry for a task about to be spawned on `ex`, or null when the context is being
// destroyed (then an orphan_spawn finding is recorded: the work would never run).
std::shared_ptr<task_record> new_task_record(const asio::any_io_executor& ex, std::string_view name,
                                             std::source_location site);

template <typename T, typename OnDone>
void launch(const asio::any_io_executor& ex, const std::shared_ptr<task_record>& record, asio::awaitable<T> work,
            OnDone on_done) {
  asio::any_io_executor task_ex(tracked_executor(untracked(ex), record));
  auto slot = record->cancel_signal().slot();
  asio::co_spawn(task_ex, std::move(work),
                 asio::bind_cancellation_slot(slot, task_completion<OnDone>(record, std::move(on_done))));
}

}  // namespace detail

// Spawns `work` as a tracked task on `ex`; `on_done(task_record&, std::exception_ptr)` runs on
// the task's executor when it ends. Returns the record, or null for an orphan spawn.
template <typename T, typename OnDone>
std::shared_ptr<task_record> spawn_tracked(const asio::any_io_executor& ex, std::string_view name,
                                           asio::awaitable<T> work, OnDone on_done, std::source_location site) {
  auto record = detail::new_task_record(ex, name, site);
  if (record) detail::launch(ex, record, std::move(work), std::move(on_done));
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
