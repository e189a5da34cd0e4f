#pragma once
// Structured concurrency on Asio (anchors: Trio's nursery, P3149 counting_scope, folly's
// AsyncScope). A scope owns the tasks spawned into it: join() waits for all of them and rethrows
// the first failure, cancel() ends them, and a scope destroyed with live tasks reports each.
#include <exception>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task.hpp"

namespace loopcheck {

class scope_closed_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct scope_options {
  // Abort the process after reporting when a scope is destroyed with live tasks. Off by
  // default: a test suite should see the finding, not a crash.
  bool strict = false;
};

class task_scope {
 public:
  explicit task_scope(asio::any_io_executor ex, std::string name = "scope", scope_options options = {});
  ~task_scope();
  task_scope(const task_scope&) = delete;
  task_scope& operator=(const task_scope&) = delete;

  // Starts `work` as a task of this scope. Thread-safe. Before the scope's context runs, the
  // task is queued and starts when it does. Throws scope_closed_error after close() or join().
  // A launch that throws (the executor refuses the task) leaves no trace: the exception reaches
  // the caller, and the task is neither in the scope nor in its context's registry.
  template <typename T>
  void spawn(std::string_view name, asio::awaitable<T> work,
             std::source_location site = std::source_location::current()) {
    if (auto record = admit(name, site)) launch_admitted(record, std::move(work));
  }

  template <typename T>
  void spawn(task<T> work) {
    if (auto record = admit(work.name(), work.site())) {
      launch_admitted(record, std::move(work).release());
    } else {
      std::move(work).dismiss();  // the orphan_spawn finding already names it
    }
  }

  // Waits until every task has ended, then rethrows the first failure; later failures are
  // reported as unobserved_exception findings. Closes the scope. Tasks ended by cancel() are
  // not failures.
  asio::awaitable<void> join();

  // Requests terminal cancellation of every live task; join() then completes. Thread-safe.
  void cancel();

  // Refuses further spawns. Thread-safe.
  void close();

  std::size_t live() const;
  const asio::any_io_executor& executor() const { return executor_; }

 private:
  struct state;
  struct done_callback {
    std::shared_ptr<state> scope;
    void operator()(task_record& task, std::exception_ptr error) const;
  };

  // Registers a new task with the scope; null for an orphan spawn.
  task_ref admit(std::string_view name, std::source_location site);
  // Launches an admitted task, or withdraws it and rethrows when the launch throws.
  template <typename T>
  void launch_admitted(const task_ref& record, asio::awaitable<T> work) {
    try {
      detail::launch(record, std::move(work), done_callback{state_});
    } catch (...) {
      withdraw(*record);
      throw;
    }
  }
  // Removes a task that never launched, as if it had ended.
  void withdraw(task_record& task);

  asio::any_io_executor executor_;
  std::shared_ptr<state> state_;
};

}  // namespace loopcheck
