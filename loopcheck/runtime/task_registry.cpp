#include "loopcheck/runtime/task_registry.hpp"

#include <cassert>
#include <fmt/format.h>
#include <ostream>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck {

namespace {
thread_local task_record* this_thread_task = nullptr;
thread_local asio::execution_context* this_thread_context = nullptr;
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

task_record::task_record(std::shared_ptr<registry_core> core, std::uint64_t id, std::string_view name,
                         std::source_location site, std::chrono::nanoseconds spawned_at)
    : core_(std::move(core)), id_(id), name_(name), site_(site), spawned_at_(spawned_at) {}

void task_record::mark_done() {
  state_.store(task_state::done, std::memory_order_release);
  core_->remove(*this);
}

void task_record::on_frame_destroyed() {
  const task_state state = this->state();
  if (state == task_state::done) return;
  if (state == task_state::scheduled) {
    core_->record(finding_kind::orphan_spawn, *this,
                  "never started: its execution context was stopped or destroyed before running it");
  } else {
    std::string why = "destroyed while suspended, never resumed";
    {
      std::lock_guard lock(core_->mutex_);
      if (!waiting_on_.empty()) why += fmt::format(" (waiting on {})", waiting_on_);
    }
    report_leak(why);
  }
  state_.store(task_state::done, std::memory_order_release);
  core_->remove(*this);
}

void task_record::report_leak(std::string_view why) {
  if (leak_reported_.exchange(true, std::memory_order_acq_rel)) return;
  core_->record(finding_kind::leaked_task, *this, std::string(why));
}

void task_record::set_waiting_on(std::string_view what) {
  std::lock_guard lock(core_->mutex_);
  waiting_on_.assign(what);
}

std::ostream& operator<<(std::ostream& out, task_state state) { return out << to_string(state); }

registry_core::registry_core(clock_service* clock) : clock_(clock) {}

std::shared_ptr<task_record> registry_core::add(std::shared_ptr<registry_core> self, std::string_view name,
                                                std::source_location site) {
  assert(self.get() == this);
  std::lock_guard lock(mutex_);
  if (clock_ != nullptr) last_now_ = clock_->now();
  auto record = std::make_shared<task_record>(std::move(self), next_id_++, name, site, last_now_);
  record->next_ = head_;
  if (head_ != nullptr) head_->prev_ = record.get();
  head_ = record.get();
  return record;
}

void registry_core::remove(task_record& record) {
  std::lock_guard lock(mutex_);
  const bool linked = record.prev_ != nullptr || head_ == &record;
  if (!linked) return;
  if (record.prev_ != nullptr) record.prev_->next_ = record.next_;
  else head_ = record.next_;
  if (record.next_ != nullptr) record.next_->prev_ = record.prev_;
  record.prev_ = record.next_ = nullptr;
}

std::vector<task_info> registry_core::snapshot() const {
  const auto t = now();
  std::lock_guard lock(mutex_);
  std::vector<task_info> out;
  for (const task_record* r = head_; r != nullptr; r = r->next_) {
    out.push_back({r->id_, r->name_, r->site_, r->state(), t - r->spawned_at_, r->waiting_on_});
  }
  return out;
}

std::size_t registry_core::live_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const task_record* r = head_; r != nullptr; r = r->next_) ++n;
  return n;
}

void registry_core::cancel_all() {
  std::vector<std::shared_ptr<task_record>> live;
  {
    std::lock_guard lock(mutex_);
    for (task_record* r = head_; r != nullptr; r = r->next_) live.push_back(r->shared_from_this());
  }
  for (auto& task : live) task->cancel_signal().emit(asio::cancellation_type::terminal);
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
      core_(std::make_shared<registry_core>(&asio::use_service<clock_service>(ctx))) {}

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

bool running_in_this_thread(const asio::any_io_executor& ex) {
  auto& ctx = asio::query(ex, asio::execution::context);
  if (this_thread_context == &ctx) return true;
  // io_context and thread_pool run handlers through Asio's scheduler, which knows the threads
  // inside its run(); any_io_executor has no running_in_this_thread() to ask instead.
  if (asio::has_service<asio::detail::scheduler>(ctx) && asio::use_service<asio::detail::scheduler>(ctx).can_dispatch()) {
    return true;
  }
  const task_record* task = current_task();
  return task != nullptr && &task->core() == task_registry::of(ctx).core().get();
}

tracked_executor::running_scope::running_scope(task_record* task) : task_(task), previous_(this_thread_task) {
  this_thread_task = task;
  if (task == nullptr) return;
  auto state = task->state();
  if (state == task_state::scheduled || state == task_state::suspended) {
    task->state_.store(task_state::running, std::memory_order_release);
  }
  if (state == task_state::suspended) task->set_waiting_on({});
}

tracked_executor::running_scope::~running_scope() {
  if (task_ != nullptr && task_->state() == task_state::running) {
    task_->state_.store(task_state::suspended, std::memory_order_release);
  }
  this_thread_task = previous_;
}

asio::any_io_executor untracked(const asio::any_io_executor& ex) {
  if (const auto* tracked = ex.target<tracked_executor>()) return tracked->inner();
  return ex;
}

}  // namespace loopcheck
