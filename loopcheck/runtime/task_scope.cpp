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

  // The list's references go with the scope's state (tasks destroyed unfinished never leave it).
  ~state() {
    while (live_head != nullptr) unlink(*live_head);
  }
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  std::size_t live_count() {
    std::lock_guard lock(mutex);
    return live_tasks;
  }
  std::uint64_t emptied_count() {
    std::lock_guard lock(mutex);
    return times_emptied;
  }

  // Call with the mutex held. The list keeps the reference `task` carries.
  void link(task_ref task) {
    task_record* t = task.detach();
    t->owner_prev = nullptr;
    t->owner_next = live_head;
    if (live_head != nullptr) live_head->owner_prev = t;
    live_head = t;
    ++live_tasks;
  }

  // Call with the mutex held. Returns the reference the list kept.
  task_ref unlink(task_record& task) {
    LOOPCHECK_INVARIANT(live_tasks > 0 && (task.owner_prev != nullptr || live_head == &task));
    if (task.owner_prev != nullptr) task.owner_prev->owner_next = task.owner_next;
    else live_head = task.owner_next;
    if (task.owner_next != nullptr) task.owner_next->owner_prev = task.owner_prev;
    task.owner_prev = task.owner_next = nullptr;
    --live_tasks;
    return task_ref(&task, false);
  }

  // Call with the mutex held.
  std::vector<task_ref> live_list() const {
    std::vector<task_ref> out;
    out.reserve(live_tasks);
    for (task_record* t = live_head; t != nullptr; t = t->owner_next) out.emplace_back(t);
    LOOPCHECK_INVARIANT(out.size() == live_tasks);
    return out;
  }

  // Removes a task that ended with `error` (null: success), or never launched; the last one out
  // wakes the joiners. Ended by the scope's own cancel() is not a failure.
  void forget(task_record& task, const std::exception_ptr& error) {
    bool now_empty = false;
    task_ref released;  // dropped after the lock: the record may go back to its registry
    {
      std::lock_guard lock(mutex);
      released = unlink(task);
      if (error && !(cancelled && is_cancellation(error))) failures.push_back({released, error});
      now_empty = live_tasks == 0;
      if (now_empty) ++times_emptied;
    }
    if (now_empty) joiners.notify_all();
  }

  const std::string name;
  const scope_options options;
  const std::shared_ptr<registry_core> core;  // outlives the context; says when it is gone
  std::mutex mutex;
  // The live tasks, linked through their records (owner_prev/owner_next), each holding one
  // reference. A list rather than a vector of references: a burst of tasks then leaves no
  // large block behind, whose free makes glibc consolidate every small chunk the burst freed
  // (docs/benchmarks.md, spawn_overhead's burst mode).
  task_record* live_head = nullptr;               // guarded by mutex
  std::size_t live_tasks = 0;                     // guarded by mutex
  std::uint64_t times_emptied = 0;                // guarded by mutex; each one notifies the joiners
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
    live = state_->live_list();
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
  if (record) state_->link(record);
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
  // Joiners are notified each time the scope empties. On a pool a wake-up can be stale: the
  // last task of an earlier batch ends, tasks spawned before close() refill the scope, and its
  // notify (made after its unlock) wakes this join. Each wake-up follows one emptying, and a
  // scope empties at most once per task it admitted, which bounds the rounds.
  for (std::uint64_t wake_ups = 0;; ++wake_ups) {
    LOOPCHECK_INVARIANT(wake_ups <= st->emptied_count());
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
    live = state_->live_list();
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
