#include "loopcheck/runtime/run_sync.hpp"

#include <cstdio>
#include <cstdlib>

namespace loopcheck::detail {

void report_reentrancy(const asio::any_io_executor& ex, std::string_view name, std::source_location site) {
  auto core = task_registry::of(ex).core();
  const task_record* caller = current_task();
  core->record(finding{finding_kind::reentrancy, caller ? caller->name() : std::string(name),
                       caller ? caller->id() : 0, site, core->now(),
                       "a blocking wait for a loop was made on the thread running that loop"});
}

void cancel_on_its_context(const asio::any_io_executor& ex, task_ref task) {
  // Cancellation signals are not thread-safe: emit on the task's context. A record is recycled
  // only after its last reference goes, so this one is still the task's.
  asio::post(untracked(ex), [task = std::move(task)] {
    if (task->state() != task_state::done) task->cancel();
  });
}

void stop_process_for_task_using_caller_frame(std::source_location site, std::chrono::milliseconds timeout_ms) {
  std::fprintf(stderr,
               "loopcheck: run_sync at %s:%u: its task missed the %lld ms deadline and then ignored its cancellation "
               "for %lld ms; returning would let it go on using the caller's stack, so the process stops\n",
               site.file_name(), static_cast<unsigned>(site.line()), static_cast<long long>(timeout_ms.count()),
               static_cast<long long>(run_sync_cancel_grace_ms.count()));
  std::abort();
}

}  // namespace loopcheck::detail
