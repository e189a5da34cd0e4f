#pragma once
// loop_thread: an io_context on its own thread — seed 003's `Thread(target=asyncio.run)` done
// right. submit() is thread-safe and returns a std::future; stop(deadline) drains gracefully,
// then cancels, then abandons (every abandoned task reported as leaked_task), and always joins:
// the destructor never detaches.
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <thread>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/run_sync.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck {

class loop_stopped_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class stop_outcome {
  drained,    // every task finished on its own before the deadline
  cancelled,  // tasks were still running at the deadline and ended when cancelled
  abandoned,  // tasks ignored cancellation: the loop was stopped with them pending
};
std::string_view to_string(stop_outcome outcome);
std::ostream& operator<<(std::ostream& out, stop_outcome outcome);

class loop_thread {
 public:
  explicit loop_thread(std::string name = "loop_thread");
  // stop(default_stop_deadline) if still running; never detaches.
  ~loop_thread();
  loop_thread(const loop_thread&) = delete;
  loop_thread& operator=(const loop_thread&) = delete;

  static constexpr std::chrono::milliseconds default_stop_deadline{5000};
  static constexpr std::chrono::milliseconds cancel_grace{1000};

  // Runs `work` on the loop; thread-safe. After stop() the future holds loop_stopped_error and
  // an orphan_spawn finding is recorded: the work will never run.
  template <typename T>
  std::future<T> submit(std::string_view name, asio::awaitable<T> work,
                        std::source_location site = std::source_location::current()) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) return detail::spawn_for_future(executor(), name, std::move(work), site).result;
    }
    report_orphan(name, site);
    std::promise<T> refused;
    refused.set_exception(std::make_exception_ptr(
        loop_stopped_error(fmt::format("loop thread '{}' is stopped: task '{}' will never run", name_, name))));
    return refused.get_future();
  }

  // Stops accepting work, waits up to `deadline` for running tasks, then cancels them and waits
  // up to cancel_grace, then stops the loop. Joins the thread. Idempotent.
  stop_outcome stop(std::chrono::milliseconds deadline = default_stop_deadline);

  asio::any_io_executor executor() { return context_.get_executor(); }
  bool running_in_this_thread() { return context_.get_executor().running_in_this_thread(); }
  const std::string& name() const { return name_; }

 private:
  void report_orphan(std::string_view task_name, std::source_location site);
  bool wait_for_exit(std::chrono::milliseconds deadline);

  const std::string name_;
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::mutex stop_mutex_;                     // serialises stop()
  std::optional<stop_outcome> outcome_;       // guarded by stop_mutex_
  std::mutex mutex_;
  bool stopping_ = false;                     // guarded by mutex_
  std::promise<void> exited_;
  std::future<void> exited_future_;
  std::thread thread_;
};

}  // namespace loopcheck
