#include "loopcheck/runtime/task_scope.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <mutex>
#include <vector>

#include "loopcheck/runtime/happens_before.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck {

namespace {
bool is_cancellation(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}
}  // namespace

struct task_scope::state {
  struct failure {
    task_ref task;
    std::exception_ptr error;
  };

  state(const asio::any_io_executor& ex, std::string scope_name, scope_options opts)
      : name(std::move(scope_name)),
        options(opts),
        core(task_registry::of(ex).core()),
        joiners(ex, fmt::format("task_scope '{}' join", name)) {}

  std::size_t live_count() {
    std::lock_guard lock(mutex);
    return live.size();
  }

  // Removes a task that ended with `error` (null: success), or never launched; the last one out
  // wakes the joiners. Ended by the scope's own cancel() is not a failure.
  void forget(task_record& task, const std::exception_ptr& error) {
    bool now_empty = false;
    {
      std::lock_guard lock(mutex);
      const std::size_t i = task.owner_index;  // O(1) removal
      LOOPCHECK_INVARIANT(i < live.size() && live[i].get() == &task);
      if (error && !(cancelled && is_cancellation(error))) failures.push_back({live[i], error});
      live[i] = std::move(live.back());
      live[i]->owner_index = i;
      live.pop_back();
      now_empty = live.empty();
    }
    if (now_empty) joiners.notify_all();
  }

  const std::string name;
  const scope_options options;
  const std::shared_ptr<registry_core> core;  // outlives the context; says when it is gone
  std::mutex mutex;
  std::vector<task_ref> live;                     // guarded by mutex
  std::vector<failure> failures;                  // guarded by mutex
  bool closed = false;                            // guarded by mutex
  bool cancelled = false;                         // guarded by mutex
  waiter_list joiners;
  ordering_point ended;  // every ended task's clock: its end happens before join() returns
};

task_scope::task_scope(asio::any_io_executor ex, std::string name, scope_options options)
    : executor_(untracked(ex)), state_(std::make_shared<state>(executor_, std::move(name), options)) {}

task_scope::~task_scope() {
  std::vector<task_ref> live;
  std::vector<state::failure> failures;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    live = state_->live;
    failures.swap(state_->failures);
  }
  for (auto& task : live) {
    task->report_abandoned(fmt::format(
        "task scope '{}' was destroyed while the task was live (join() or cancel() it first)", state_->name));
  }
  for (auto& f : failures) {
    detail::report_unobserved(*f.task, f.error, fmt::format("a task of scope '{}' failed, the scope was never joined", state_->name));
  }
  if (state_->options.strict && (!live.empty() || !failures.empty())) std::abort();
  // The scope bounds its tasks' lifetime; once the context is shutting down (or gone) its
  // tasks are being destroyed anyway, and its executor must not be used.
  if (!live.empty() && !state_->core->closed()) cancel();
}

task_ref task_scope::admit(std::string_view name, std::source_location site) {
  auto record = detail::new_task_record(state_->core, executor_, name, site);
  std::lock_guard lock(state_->mutex);
  if (state_->closed) {
    if (record) record->mark_done();  // never launched
    throw scope_closed_error(fmt::format("task '{}' spawned into task scope '{}' after it was closed or joined",
                                         name, state_->name));
  }
  if (record) {
    record->owner_index = state_->live.size();
    state_->live.push_back(record);
  }
  return record;
}

void task_scope::done_callback::operator()(task_record& task, std::exception_ptr error) const {
  scope->ended.join(task.clock());
  scope->forget(task, error);
}

void task_scope::withdraw(task_record& task) { state_->forget(task, nullptr); }

asio::awaitable<void> task_scope::join() {
  auto st = state_;
  close();
  // Joiners are notified only when the last live task ends and a closed scope admits no new
  // task, so one wake-up suffices; the bound guards that invariant.
  for (int round = 0;; ++round) {
    LOOPCHECK_INVARIANT(round < 2);
    const auto seen = st->joiners.epoch();
    if (st->live_count() == 0) break;
    co_await st->joiners.async_wait(seen, asio::use_awaitable);
  }
  st->ended.acquire();
  std::vector<state::failure> failures;
  {
    std::lock_guard lock(st->mutex);
    failures.swap(st->failures);
  }
  if (failures.empty()) co_return;
  for (std::size_t i = 1; i < failures.size(); ++i) {
    detail::report_unobserved(*failures[i].task, failures[i].error,
                              fmt::format("a task of scope '{}' failed after an earlier failure that join() rethrew",
                                          st->name));
  }
  std::rethrow_exception(failures.front().error);
}

void task_scope::cancel() {
  std::vector<task_ref> live;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    state_->cancelled = true;
    live = state_->live;
  }
  // From this thread: task_record::cancel hands the emission to whoever runs the task.
  for (auto& task : live) task->cancel();
}

void task_scope::close() {
  std::lock_guard lock(state_->mutex);
  state_->closed = true;
}

std::size_t task_scope::live() const { return state_->live_count(); }

}  // namespace loopcheck
