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

// Lives in the tracked coroutine's frame; its destructor runs when the frame is destroyed.
class task_handle {
 public:
  explicit task_handle(std::shared_ptr<task_record> record) : record_(std::move(record)) {}
  task_handle(task_handle&& other) noexcept = default;
  task_handle& operator=(task_handle&&) = delete;
  ~task_handle() {
    if (record_) record_->on_frame_destroyed();
  }
  task_record& record() const { return *record_; }

 private:
  std::shared_ptr<task_record> record_;
};

// OnDone: void(task_record&, std::exception_ptr), run on the task's executor when it ends.
template <typename T, typename OnDone>
asio::awaitable<void> tracked_body(task_handle handle, asio::awaitable<T> work, OnDone on_done) {
  handle.record().mark_started();
  std::exception_ptr error;
  try {
    co_await std::move(work);
  } catch (...) {
    error = std::current_exception();
  }
  handle.record().mark_done();
  on_done(handle.record(), std::move(error));
}

}  // namespace detail

namespace detail {
// A registry entry for a task about to be spawned on `ex`, or null when the context is being
// destroyed (then an orphan_spawn finding is recorded: the work would never run).
std::shared_ptr<task_record> new_task_record(const asio::any_io_executor& ex, std::string_view name,
                                             std::source_location site);

template <typename T, typename OnDone>
void launch(const asio::any_io_executor& ex, const std::shared_ptr<task_record>& record, asio::awaitable<T> work,
            OnDone on_done) {
  asio::any_io_executor task_ex(tracked_executor(untracked(ex), record));
  asio::co_spawn(task_ex, tracked_body(task_handle(record), std::move(work), std::move(on_done)),
                 asio::bind_cancellation_slot(record->cancel_signal().slot(), asio::detached));
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
