#include "loopcheck/runtime/spawn.hpp"

#include <boost/system/system_error.hpp>
#include <fmt/format.h>

#include "loopcheck/runtime/background_service.hpp"
#include "loopcheck/runtime/happens_before.hpp"

namespace loopcheck::detail {

task_ref new_task_record(const asio::any_io_executor& ex, std::string_view name, std::source_location site) {
  return new_task_record(task_registry::of(ex).core(), ex, name, site);
}

task_ref new_task_record(const std::shared_ptr<registry_core>& core, const asio::any_io_executor& ex,
                         std::string_view name, std::source_location site) {
  auto record = core->add(core, ex, name, site);
  // A task a background service spawns serves it too.
  const task_record* spawner = current_task();
  if (background_service_spawns::active() || (spawner != nullptr && spawner->background_service())) {
    record->mark_background_service();
  }
  // The spawn edge: everything the spawner did so far happens before the new task.
  release_current_clock(record->clock());
  if (!core->closed()) return record;
  record->mark_done();
  core->record(finding_kind::orphan_spawn, *record, "spawned into an execution context that is shutting down");
  return nullptr;
}

std::exception_ptr cancelled_before_start(const task_record& task) {
  if (!task.cancel_requested()) return nullptr;
  return std::make_exception_ptr(
      boost::system::system_error(asio::error::operation_aborted, "cancelled before it started"));
}

void report_unobserved(task_record& task, const std::exception_ptr& error, std::string_view context) {
  task.core().record(finding_kind::unobserved_exception, task,
                     fmt::format("{} and nobody retrieved its exception: {}", context, describe(error)));
}

}  // namespace loopcheck::detail
