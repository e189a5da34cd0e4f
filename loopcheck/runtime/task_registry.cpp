#include "loopcheck/runtime/task_registry.hpp"

#include <fmt/format.h>
#include <optional>
#include <ostream>
#include <thread>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/runtime/registry_directory.hpp"
#include "loopcheck/runtime/task_observer.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck {

namespace {
thread_local task_record* this_thread_task = nullptr;
thread_local asio::execution_context* this_thread_context = nullptr;
thread_local const char this_thread_marker = 0;

// Non-zero and unique among live threads.
std::uintptr_t this_thread_token() noexcept { return reinterpret_cast<std::uintptr_t>(&this_thread_marker); }
}  // namespace

std::string_view to_string(task_state state) {
  switch (state) {
    case task_state::scheduled: return "scheduled";
    case task_state::running: return "running";
    case task_state::suspended: return "suspended";
    case task_state::done: return "done";
  }
  return "unknown";
}

void intrusive_ptr_add_ref(task_record* task) noexcept { task->refs_.fetch_add(1, std::memory_order_relaxed); }

void intrusive_ptr_release(task_record* task) noexcept {
  if (task->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) task->core_->recycle(*task);
}

void task_record::work_started() noexcept {
  if (io_inner_ != nullptr) return io_inner_->on_work_started();
  if (work_refs_.fetch_add(1, std::memory_order_acq_rel) != 0) return;
  // First holder: take the work, unless the count fell back to zero meanwhile. Under the lock
  // the work held always ends matching the count, whatever the order of racing transitions.
  sync_work();
}

void task_record::work_finished() noexcept {
  if (io_inner_ != nullptr) return io_inner_->on_work_finished();
  if (work_refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) sync_work();
}

void task_record::sync_work() noexcept {
  // A spin lock: transitions are two per task, uncontended but for a copy made on another
  // thread at the very moment the last one goes, and the critical section only makes or drops
  // an executor.
  while (work_lock_.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
  const bool wanted = work_refs_.load(std::memory_order_acquire) != 0;
  if (wanted && !work_) work_.emplace(asio::prefer(inner_, asio::execution::outstanding_work.tracked));
  else if (!wanted && work_) work_.reset();
  work_lock_.clear(std::memory_order_release);
}

void task_record::cancel() {
  cancel_requested_.store(true, std::memory_order_release);
  // Sequentially consistent with leave_handler's release and re-check: either this thread
  // enters below, or the owner sees the request after leaving and emits it.
  cancel_pending_.store(true);
  if (handler_owner_.load(std::memory_order_relaxed) == this_thread_token()) return emit_pending_cancel();
  if (try_enter_handler()) leave_handler();
}

void task_record::emit_pending_cancel() {
  if (cancel_pending_.exchange(false)) cancel_.emit(asio::cancellation_type::terminal);
}

bool task_record::try_enter_handler() noexcept {
  std::uintptr_t expected = 0;
  if (!handler_owner_.compare_exchange_strong(expected, this_thread_token())) return false;
  handler_depth_ = 1;
  return true;
}

void task_record::enter_handler() noexcept {
  const std::uintptr_t me = this_thread_token();
  if (handler_owner_.load(std::memory_order_relaxed) == me) {
    ++handler_depth_;
    return;
  }
  // Unbounded on purpose: the owner is running one handler of this task, which ends.
  for (std::uintptr_t owner = 0; !handler_owner_.compare_exchange_weak(owner, me); owner = 0) {
    if (owner == 0) continue;  // spurious failure
    handler_waiters_.fetch_add(1);
    handler_owner_.wait(owner);
    handler_waiters_.fetch_sub(1);
  }
  handler_depth_ = 1;
}

void task_record::leave_handler() noexcept {
  LOOPCHECK_INVARIANT(handler_owner_.load(std::memory_order_relaxed) == this_thread_token() && handler_depth_ > 0);
  if (--handler_depth_ > 0) return;
  // Each round emits what a cancel() racing with the previous round's leave requested, so the
  // rounds are bounded by the cancel() calls made meanwhile.
  do {
    emit_pending_cancel();
    handler_owner_.store(0);
    if (handler_waiters_.load() != 0) handler_owner_.notify_all();
  } while (cancel_pending_.load() && try_enter_handler());
}

void task_record::release_clock(vector_clock& into) {
  if (clock_.empty()) return;
  into.join(clock_);
  if (clock_slot_ != 0) clock_.tick(clock_slot_);
}

clock_epoch task_record::access_epoch() {
  if (clock_slot_ == 0) {
    clock_slot_ = new_clock_slot();
    clock_.tick(clock_slot_);
  }
  return {clock_slot_, clock_.at(clock_slot_)};
}

void task_record::mark_done() {
  if (auto* observer = installed_task_observer(); observer != nullptr && state() != task_state::done) [[unlikely]] {
    observer->task_ended(*core_, id_, true, core_->now());
  }
  state_.store(task_state::done, std::memory_order_release);
}

void task_record::on_frame_destroyed() {
  const task_state state = this->state();
  if (state == task_state::done) return;
  if (state == task_state::scheduled) {
    if (!abandonment_reported_.exchange(true, std::memory_order_acq_rel)) {  // unless an owner reported it
      core_->record(finding_kind::orphan_spawn, *this,
                    "never started: its execution context was stopped or destroyed before running it");
    }
  } else {
    std::string why = "destroyed while suspended, never resumed";
    {
      std::lock_guard lock(core_->mutex_);
      if (!waiting_on_.empty()) why += fmt::format(" (waiting on {})", waiting_on_);
    }
    report_abandoned(why);
  }
  if (auto* observer = installed_task_observer()) [[unlikely]] observer->task_ended(*core_, id_, false, core_->now());
  state_.store(task_state::done, std::memory_order_release);
}

void task_record::report_abandoned(std::string_view why) {
  if (abandonment_reported_.exchange(true, std::memory_order_acq_rel)) return;
  core_->record(finding_kind::leaked_task, *this, std::string(why));
}

void task_record::set_waiting_on(std::string_view what) {
  // Resuming clears the wait: skip the lock when there is none to clear.
  if (what.empty() && !has_waiting_on_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard lock(core_->mutex_);
    waiting_on_.assign(what);
    has_waiting_on_.store(!what.empty(), std::memory_order_release);
  }
  if (auto* observer = installed_task_observer()) [[unlikely]] observer->task_waits(*core_, id_, what, core_->now());
}

std::ostream& operator<<(std::ostream& out, task_state state) { return out << to_string(state); }

registry_core::registry_core(clock_service* clock) : clock_(clock) {
  if (auto* observer = installed_task_observer()) [[unlikely]] observer->context_created(*this);
}

registry_core::~registry_core() {
  LOOPCHECK_INVARIANT(head_ == nullptr);  // a live record holds its core
}

task_ref registry_core::add(std::shared_ptr<registry_core> self, const asio::any_io_executor& ex, std::string_view name,
                            std::source_location site) {
  LOOPCHECK_INVARIANT(self.get() == this);
  // Untracked: a record may outlive its task (a failure kept for join()), and must not keep
  // the context's run() from returning meanwhile. (io_context's plain executor is untracked
  // by its type: the common case skips the conversion.)
  auto inner = ex.target<asio::io_context::executor_type>() != nullptr
                   ? ex
                   : asio::prefer(untracked(ex), asio::execution::outstanding_work.untracked);
  std::unique_lock lock(mutex_);
  task_record* record = records_.take();
  record->core_ = std::move(self);
  record->id_ = next_id_++;
  record->name_.assign(name);
  record->site_ = site;
  record->clock_ = {};
  record->clock_slot_ = 0;
  if (clock_ != nullptr) last_now_ = clock_->now();
  record->spawned_at_ = last_now_;
  record->state_.store(task_state::scheduled, std::memory_order_relaxed);
  record->abandonment_reported_.store(false, std::memory_order_relaxed);
  record->background_service_.store(false, std::memory_order_relaxed);
  record->cancel_requested_.store(false, std::memory_order_relaxed);
  record->inner_ = std::move(inner);
  record->io_inner_ = record->inner_.target<asio::io_context::executor_type>();
  LOOPCHECK_INVARIANT(record->prev_ == nullptr);  // cleared when it left the live list
  record->next_ = head_;
  if (head_ != nullptr) head_->prev_ = record;
  head_ = record;
  task_ref ref(record);  // before unlocking: a reader of the live list must not recycle it meanwhile
  if (auto* observer = installed_task_observer()) [[unlikely]] {
    const auto spawned_at = record->spawned_at_;
    lock.unlock();
    const task_record* parent = current_task();
    observer->task_spawned(*this, record->id_, record->name_, site, parent != nullptr ? parent->core_.get() : nullptr,
                           parent != nullptr ? parent->id_ : 0, spawned_at);
  }
  return ref;
}

void registry_core::recycle(task_record& record) noexcept {
  // Every owner ends a task (mark_done, on_frame_destroyed) before dropping it, so the live
  // list's readers, which skip done tasks, never take a reference to a record going back.
  LOOPCHECK_INVARIANT(record.state() == task_state::done && record.work_refs_.load() == 0 && !record.work_);
  // Drop what refers to the task's context; keep the strings' capacity and the signal.
  record.io_inner_ = nullptr;
  record.inner_ = asio::any_io_executor();
  auto self = std::move(record.core_);  // may be the last reference to this core: dropped last
  decltype(records_)::released_slab released;  // destroyed after the lock
  {
    std::lock_guard lock(mutex_);
    record.waiting_on_.clear();  // under the lock: snapshot() reads it until the unlink below
    record.has_waiting_on_.store(false, std::memory_order_relaxed);
    // Unlinked here rather than when the task ends: one lock per task instead of two. Until
    // then readers of the live list skip it by its state.
    if (record.prev_ != nullptr) record.prev_->next_ = record.next_;
    else head_ = record.next_;
    if (record.next_ != nullptr) record.next_->prev_ = record.prev_;
    record.prev_ = nullptr;
    record.next_ = nullptr;
    released = records_.give_back(&record);
  }
}

std::vector<task_info> registry_core::snapshot() const {
  const auto t = now();
  std::lock_guard lock(mutex_);
  std::vector<task_info> out;
  for (const task_record* r = head_; r != nullptr; r = r->next_) {
    const auto state = r->state();
    if (state != task_state::done) {
      out.push_back({r->id_, r->name_, r->site_, state, t - r->spawned_at_, r->waiting_on_, r->background_service()});
    }
  }
  return out;
}

std::size_t registry_core::live_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const task_record* r = head_; r != nullptr; r = r->next_) n += r->state() != task_state::done ? 1 : 0;
  return n;
}

void registry_core::cancel_all() {
  std::vector<task_ref> live;
  {
    std::lock_guard lock(mutex_);
    for (task_record* r = head_; r != nullptr; r = r->next_) {
      if (r->state() != task_state::done) live.emplace_back(r);
    }
  }
  for (auto& task : live) task->cancel();
}

std::chrono::nanoseconds registry_core::now() const {
  std::lock_guard lock(mutex_);
  if (clock_ != nullptr) last_now_ = clock_->now();
  return last_now_;
}

void registry_core::record(finding f) {
  publish_to_captures(f);
  log_->record(std::move(f));
}

void registry_core::record(finding_kind kind, const task_record& task, std::string message) {
  record(finding{kind, task.name(), task.id(), task.site(), now(), std::move(message)});
}

task_registry::task_registry(asio::execution_context& ctx)
    : asio::execution_context::service(ctx),
      core_(std::make_shared<registry_core>(&asio::use_service<clock_service>(ctx))) {
  enlist_registry(core_);
}

task_registry::~task_registry() {
  std::lock_guard lock(core_->mutex_);
  core_->clock_ = nullptr;  // the clock service is destroyed right after this one
}

task_registry& task_registry::of(asio::execution_context& ctx) { return asio::use_service<task_registry>(ctx); }

task_registry& task_registry::of(const asio::any_io_executor& ex) {
  return of(asio::query(ex, asio::execution::context));
}

void registry_core::attach(waiter_list& list) {
  std::lock_guard lock(mutex_);
  waiter_lists_.push_back(&list);
}

void registry_core::detach(waiter_list& list) {
  std::lock_guard lock(mutex_);
  std::erase(waiter_lists_, &list);
}

void task_registry::shutdown() {
  core_->closed_.store(true, std::memory_order_release);
  // Destroy parked handlers one list at a time, re-reading the list each round: destroying a
  // coroutine frame can destroy other waiter lists, which detach themselves meanwhile.
  for (;;) {
    waiter_list* busy = nullptr;
    {
      std::lock_guard lock(core_->mutex_);
      for (waiter_list* list : core_->waiter_lists_) {
        if (list->size() != 0) {
          busy = list;
          break;
        }
      }
    }
    if (busy == nullptr) break;
    busy->abandon();
  }
}

task_record* current_task() { return this_thread_task; }

running_context_guard::running_context_guard(asio::execution_context& ctx) : previous_(this_thread_context) {
  this_thread_context = &ctx;
}

running_context_guard::~running_context_guard() { this_thread_context = previous_; }

namespace {

template <typename Executor>
using tracking_work = decltype(asio::require(std::declval<Executor>(), asio::execution::outstanding_work.tracked));

// Whether this thread runs `ex` now, asked of the executor itself when it is one of Asio's that
// can say (public running_in_this_thread()): a strand, io_context's or thread_pool's executor,
// with or without work tracking (the property that changes their type). Empty for any other.
template <typename... Executors>
std::optional<bool> ask_executor(const asio::any_io_executor& ex) {
  std::optional<bool> answer;
  const auto ask = [&]<typename Executor>(Executor*) {
    if (const auto* target = ex.target<Executor>(); target != nullptr && !answer) {
      answer = target->running_in_this_thread();
    }
  };
  (ask(static_cast<Executors*>(nullptr)), ...);
  return answer;
}

using io_executor = asio::io_context::executor_type;
using pool_executor = asio::thread_pool::executor_type;

std::optional<bool> ask_asio_executor(const asio::any_io_executor& ex) {
  return ask_executor<asio::strand<asio::any_io_executor>, asio::strand<io_executor>, asio::strand<pool_executor>,
                      io_executor, tracking_work<io_executor>, pool_executor, tracking_work<pool_executor>>(ex);
}

// A strand's inner executor, else `ex`.
asio::any_io_executor without_strand(const asio::any_io_executor& ex) {
  if (const auto* s = ex.target<asio::strand<asio::any_io_executor>>()) return untracked(s->get_inner_executor());
  if (const auto* s = ex.target<asio::strand<io_executor>>()) return s->get_inner_executor();
  if (const auto* s = ex.target<asio::strand<pool_executor>>()) return s->get_inner_executor();
  return ex;
}

}  // namespace

bool running_context_in_this_thread(const asio::any_io_executor& ex) {
  return running_in_this_thread(without_strand(untracked(ex)));
}

bool running_in_this_thread(const asio::any_io_executor& ex) {
  const asio::any_io_executor inner = untracked(ex);
  if (const auto answer = ask_asio_executor(inner)) return *answer;
  auto& ctx = asio::query(inner, asio::execution::context);
  if (this_thread_context == &ctx) return true;
  const task_record* task = current_task();
  return task != nullptr && &task->core() == task_registry::of(ctx).core().get();
}

tracked_executor::running_scope::running_scope(task_record* task) : task_(task), previous_(this_thread_task) {
  if (task_ != nullptr) {
    task_->enter_handler();
    // A handler submitted through an ended task's executor (a strand or timer built from it
    // while it ran) belongs to no task: attributing it would credit the ended task with later
    // work, and its waits and file accesses to a task nobody can join.
    if (task_->state() == task_state::done) std::exchange(task_, nullptr)->leave_handler();
  }
  this_thread_task = task_;
  if (task_ == nullptr) return;
  const auto state = task_->state();
  if (state == task_state::scheduled || state == task_state::suspended) {
    task_->state_.store(task_state::running, std::memory_order_release);
  }
  if (state == task_state::suspended) task_->set_waiting_on({});
}

tracked_executor::running_scope::~running_scope() {
  this_thread_task = previous_;
  if (task_ == nullptr) return;
  if (task_->state() == task_state::running) task_->state_.store(task_state::suspended, std::memory_order_release);
  task_->leave_handler();
}

asio::any_io_executor tracked_executor::inner() const {
  auto ex = with_properties(task_->inner_);
  if ((props_ & tracked_bit) != 0) ex = asio::prefer(ex, asio::execution::outstanding_work.tracked);
  return ex;
}

asio::any_io_executor untracked(const asio::any_io_executor& ex) {
  if (const auto* tracked = ex.target<tracked_executor>()) return tracked->inner();
  return ex;
}

}  // namespace loopcheck
