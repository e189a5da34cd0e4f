#pragma once
// run_sync: runs an awaitable to completion from synchronous code. Called on a thread that is
// running the target loop it would wait for itself forever (Panel/adlfs: "This event loop is
// already running"), so it records a `reentrancy` finding and throws loop_reentrancy_error at
// once. Every wait has a deadline, and run_sync never returns while its task can still use the
// caller's frame: past the deadline a task that has not begun never will, and one that has is
// cancelled and waited for.
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/caller_frame_lease.hpp"
#include "loopcheck/runtime/happens_before.hpp"
#include "loopcheck/runtime/spawn.hpp"

namespace loopcheck {

class loop_reentrancy_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class run_sync_timeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How long run_sync waits, past its deadline, for its cancelled task to end. A task still
// running then stops the process: returning would let it go on using the caller's frame.
inline constexpr std::chrono::milliseconds run_sync_cancel_grace_ms{5000};

namespace detail {

// What a task run for a future produced, kept until the task's end hands it over.
template <typename T>
using kept_result = std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>>;

// Runs `work` and keeps its value, unless run_sync's caller (`lease`, when given) gave up before
// it began: then the work never runs.
template <typename T>
asio::awaitable<void> keep_result(asio::awaitable<T> work, std::shared_ptr<kept_result<T>> result,
                                  std::shared_ptr<caller_frame_lease> lease) {
  if (lease && !lease->begin_work()) throw run_sync_timeout("run_sync's caller gave up before its task began");
  if constexpr (std::is_void_v<T>) {
    co_await std::move(work);
    result->emplace();
  } else {
    result->emplace(co_await std::move(work));
  }
}

template <typename T>
void deliver(std::promise<T>& promise, kept_result<T>& result) {
  if constexpr (std::is_void_v<T>) promise.set_value();
  else promise.set_value(std::move(*result));
}

// A spawned task's result, ready once the task has ended, and the task (null when its context
// will never run it).
template <typename T>
struct task_future {
  std::future<T> result;
  task_ref task;
};

// Spawns `work` tracked on `ex`. The future gets its result or failure (observed by whoever
// gets it, never lost) at the task's end, once its frames are gone; `done`, when given, gets the
// task's clock then: what the task did happens before whoever acquires it afterwards.
template <typename T>
task_future<T> spawn_for_future(const asio::any_io_executor& ex, std::string_view name, asio::awaitable<T> work,
                                std::source_location site, std::shared_ptr<ordering_point> done = nullptr,
                                std::shared_ptr<caller_frame_lease> lease = nullptr) {
  auto promise = std::make_shared<std::promise<T>>();
  auto result = std::make_shared<kept_result<T>>();
  task_future<T> spawned{promise->get_future(), nullptr};
  spawned.task = spawn_tracked(ex, name, keep_result(std::move(work), result, std::move(lease)),
                               [promise, result, done](task_record& task, std::exception_ptr error) {
                                 if (done) done->join(task.clock());
                                 if (error) promise->set_exception(std::move(error));
                                 else deliver(*promise, *result);
                               },
                               site);
  if (!spawned.task) {
    promise->set_exception(std::make_exception_ptr(
        std::runtime_error(fmt::format("task '{}' was handed to an execution context that will never run it", name))));
  }
  return spawned;
}

void report_reentrancy(const asio::any_io_executor& ex, std::string_view name, std::source_location site);
// Emits terminal cancellation to `task` on its context (`ex`'s), unless it ended meanwhile.
void cancel_on_its_context(const asio::any_io_executor& ex, task_ref task);
[[noreturn]] void stop_process_for_task_using_caller_frame(std::source_location site, std::chrono::milliseconds timeout_ms);

}  // namespace detail

template <typename T>
T run_sync(const asio::any_io_executor& ex, asio::awaitable<T> work,
           std::chrono::milliseconds timeout_ms = std::chrono::seconds(30),
           std::source_location site = std::source_location::current()) {
  if (running_context_in_this_thread(ex)) {
    detail::report_reentrancy(ex, "run_sync", site);
    throw loop_reentrancy_error(fmt::format(
        "run_sync called at {}:{} on the thread that runs its target loop: it would wait for itself forever",
        site.file_name(), site.line()));
  }
  // Start: a caller inside a tracked task (of another loop) orders the task after it (the spawn
  // edge). Completion: the task's work happens before what the caller does after.
  auto done = std::make_shared<ordering_point>();
  auto lease = std::make_shared<detail::caller_frame_lease>();
  auto spawned = detail::spawn_for_future(ex, "run_sync", std::move(work), site, done, lease);
  if (spawned.result.wait_for(timeout_ms) != std::future_status::ready) {
    // Past the deadline the task must not go on using this frame: keep it from beginning, or
    // cancel it and wait for its end.
    if (!lease->revoke_unless_begun()) {
      detail::cancel_on_its_context(ex, spawned.task);
      if (spawned.result.wait_for(run_sync_cancel_grace_ms) != std::future_status::ready) {
        detail::stop_process_for_task_using_caller_frame(site, timeout_ms);
      }
    }
    throw run_sync_timeout(fmt::format("run_sync at {}:{} did not complete within {} ms (is anyone running the loop?)",
                                       site.file_name(), site.line(), timeout_ms.count()));
  }
  done->acquire();
  return spawned.result.get();
}

}  // namespace loopcheck
