#pragma once
// task<T>: an awaitable that knows it must run. Asio's awaitable is lazy and a stored one that
// is dropped never runs, silently ("coroutine was never awaited"). A task<T> destroyed without
// having started reports an unawaited_task finding naming where it was created.
#include <chrono>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

namespace detail {

class pending_task {
 public:
  pending_task(std::shared_ptr<registry_core> core, std::string_view name, std::source_location site);
  ~pending_task();
  pending_task(const pending_task&) = delete;
  pending_task& operator=(const pending_task&) = delete;

  void mark_started() { settled_ = true; }
  void release() { settled_ = true; }
  const std::string& name() const { return name_; }
  std::source_location site() const { return site_; }

 private:
  std::shared_ptr<registry_core> core_;
  std::string name_;
  std::source_location site_;
  bool settled_ = false;
};

template <typename T>
asio::awaitable<T> run_pending(std::shared_ptr<pending_task> pending, asio::awaitable<T> work) {
  pending->mark_started();
  if constexpr (std::is_void_v<T>) {
    co_await std::move(work);
  } else {
    co_return co_await std::move(work);
  }
}

}  // namespace detail

template <typename T>
class [[nodiscard]] task {
 public:
  task(const asio::any_io_executor& ex, std::string_view name, asio::awaitable<T> work,
       std::source_location site = std::source_location::current())
      : pending_(std::make_shared<detail::pending_task>(task_registry::of(ex).core(), name, site)),
        work_(std::move(work)) {}

  // The awaitable to co_await. The task counts as awaited once that awaitable starts running;
  // dropping it unstarted is still an unawaited_task.
  asio::awaitable<T> run() && { return detail::run_pending(std::move(pending_), std::move(work_)); }

  // Discards the task on purpose: no finding.
  void dismiss() && {
    pending_->release();
    pending_.reset();
  }

  // Hands the work to a tracker that reports for it from now on (a task scope).
  asio::awaitable<T> release() && {
    pending_->release();
    pending_.reset();
    return std::move(work_);
  }

  std::string_view name() const { return pending_->name(); }
  std::source_location site() const { return pending_->site(); }

 private:
  std::shared_ptr<detail::pending_task> pending_;
  asio::awaitable<T> work_;
};

}  // namespace loopcheck
