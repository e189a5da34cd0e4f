#include "loopcheck/runtime/task_observer.hpp"

#include <atomic>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck {

namespace {

std::atomic<task_observer*> installed{nullptr};

}  // namespace

task_observer* installed_task_observer() noexcept { return installed.load(std::memory_order_acquire); }

scoped_task_observer::scoped_task_observer(task_observer& observer) {
  task_observer* expected = nullptr;
  const bool first = installed.compare_exchange_strong(expected, &observer, std::memory_order_acq_rel);
  LOOPCHECK_INVARIANT(first && "task observers do not nest");
}

scoped_task_observer::~scoped_task_observer() { installed.store(nullptr, std::memory_order_release); }

}  // namespace loopcheck
