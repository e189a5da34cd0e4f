#include "loopcheck/runtime/task.hpp"

namespace loopcheck::detail {

pending_task::pending_task(std::shared_ptr<registry_core> core, std::string_view name, std::source_location site)
    : core_(std::move(core)), name_(name), site_(site) {}

pending_task::~pending_task() {
  if (settled_) return;
  core_->record(finding{finding_kind::unawaited_task, name_, 0, site_, core_->now(),
                        "created and destroyed without ever running (never awaited)"});
}

}  // namespace loopcheck::detail
