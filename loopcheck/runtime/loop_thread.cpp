#include "loopcheck/runtime/loop_thread.hpp"

#include <ostream>

namespace loopcheck {

std::string_view to_string(stop_outcome outcome) {
  switch (outcome) {
    case stop_outcome::drained: return "drained";
    case stop_outcome::cancelled: return "cancelled";
    case stop_outcome::abandoned: return "abandoned";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, stop_outcome outcome) { return out << to_string(outcome); }

loop_thread::loop_thread(std::string name)
    : name_(std::move(name)), work_(context_.get_executor()), exited_future_(exited_.get_future()) {
  thread_ = std::thread([this] {
    context_.run();
    exited_.set_value();
  });
}

loop_thread::~loop_thread() { stop(); }

bool loop_thread::wait_for_exit(std::chrono::milliseconds deadline) {
  return exited_future_.wait_for(deadline) == std::future_status::ready;
}

stop_outcome loop_thread::stop(std::chrono::milliseconds deadline) {
  std::lock_guard stop_lock(stop_mutex_);
  if (outcome_) return *outcome_;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.reset();  // run() returns once the submitted tasks are done
  stop_outcome outcome = stop_outcome::drained;
  if (!wait_for_exit(deadline)) {
    // Terminal cancellation of every live task, emitted on the loop's own thread.
    asio::post(context_, [&registry = task_registry::of(context_)] { registry.cancel_all(); });
    outcome = stop_outcome::cancelled;
    if (!wait_for_exit(cancel_grace)) {
      context_.stop();  // pending tasks stay queued; ~io_context reports each as leaked_task
      outcome = stop_outcome::abandoned;
    }
  }
  thread_.join();
  outcome_ = outcome;
  return outcome;
}

void loop_thread::report_orphan(std::string_view task_name, std::source_location site) {
  auto core = task_registry::of(context_).core();
  core->record(finding{finding_kind::orphan_spawn, std::string(task_name), 0, site, core->now(),
                       fmt::format("submitted to loop thread '{}' after stop(): it will never run", name_)});
}

}  // namespace loopcheck
