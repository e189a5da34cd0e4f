#pragma once
// run_sync: runs an awaitable to completion from synchronous code. Called on a thread that is
// running the target loop it would wait for itself forever (Panel/adlfs: "This event loop is
// already running"), so it records a `reentrancy` finding and throws loop_reentrancy_error at
// once. Every wait has a deadline.
#include <chrono>
#include <future>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "loopcheck/runtime/asio.hpp"
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

namespace detail {

// Runs `work` and hands its result or exception to `promise`, releasing the task's clock into
// `done` first (when given): what the task did happens before whoever acquires it after the
// future is ready.
template <typename T>
asio::awaitable<void> fulfil(std::shared_ptr<std::promise<T>> promise, asio::awaitable<T> work,
                             std::shared_ptr<ordering_point> done) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(work);
      if (done) done->release();
      promise->set_value();
    } else {
      T value = co_await std::move(work);
      if (done) done->release();
      promise->set_value(std::move(value));
    }
  } catch (...) {
    if (done) done->release();
    promise->set_exception(std::current_exception());
  }
}

// Spawns `work` tracked on `ex` and returns its result as a future; the task's failure goes to
// the future (observed by whoever gets it), never lost.
template <typename T>
std::future<T> spawn_for_future(const asio::any_io_executor& ex, std::string_view name, asio::awaitable<T> work,
                                std::source_location site, std::shared_ptr<ordering_point> done = nullptr) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  // fulfil() catches everything, so a failure reaching on_done means it never ran: the task was
  // cancelled before it began. The future gets that, not a broken promise.
  auto record = spawn_tracked(ex, name, fulfil(promise, std::move(work), std::move(done)),
                              [promise](task_record&, std::exception_ptr error) {
                                if (error) promise->set_exception(error);
                              },
                              site);
  if (!record) {
    promise->set_exception(std::make_exception_ptr(
        std::runtime_error(fmt::format("task '{}' was handed to an execution context that will never run it", name))));
  }
  return future;
}

void report_reentrancy(const asio::any_io_executor& ex, std::string_view name, std::source_location site);

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
  auto future = detail::spawn_for_future(ex, "run_sync", std::move(work), site, done);
  if (future.wait_for(timeout_ms) != std::future_status::ready) {
    throw run_sync_timeout(fmt::format("run_sync at {}:{} did not complete within {} ms (is anyone running the loop?)",
                                       site.file_name(), site.line(), timeout_ms.count()));
  }
  done->acquire();
  return future.get();
}

}  // namespace loopcheck
