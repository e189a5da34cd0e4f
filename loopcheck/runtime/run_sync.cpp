#include "loopcheck/runtime/run_sync.hpp"

namespace loopcheck::detail {

void report_reentrancy(const asio::any_io_executor& ex, std::string_view name, std::source_location site) {
  auto core = task_registry::of(ex).core();
  const task_record* caller = current_task();
  core->record(finding{finding_kind::reentrancy, caller ? caller->name() : std::string(name),
                       caller ? caller->id() : 0, site, core->now(),
                       "a blocking wait for a loop was made on the thread running that loop"});
}

}  // namespace loopcheck::detail
