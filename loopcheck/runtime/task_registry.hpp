#pragma once
// The task registry: one per execution context (an Asio service). It knows every live tracked
// task (id, name, spawn site, state, age, what it waits on) and keeps the findings log.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/finding.hpp"

namespace loopcheck {

class clock_service;
class waiter_list;

enum class task_state : std::uint8_t { scheduled, running, suspended, done };
std::string_view to_string(task_state state);
std::ostream& operator<<(std::ostream& out, task_state state);

struct task_info {
  std::uint64_t id = 0;
  std::string name;
  std::source_location site;
  task_state state = task_state::scheduled;
  std::chrono::nanoseconds age{0};
  std::string waiting_on;  // empty unless parked in a loopcheck wait
};

class registry_core;

// One tracked task. Shared by the registry, the task's coroutine frame and its executor.
class task_record : public std::enable_shared_from_this<task_record> {
 public:
  task_record(std::shared_ptr<registry_core> core, std::uint64_t id, std::string_view name,
              std::source_location site, std::chrono::nanoseconds spawned_at);

  std::uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  std::source_location site() const { return site_; }
  task_state state() const { return state_.load(std::memory_order_acquire); }
  registry_core& core() const { return *core_; }

  // Called when the task ends, normally or by an exception.
  void mark_done();
  // Called when the task's coroutine frame is destroyed: a frame destroyed before it finished
  // is an orphan (never started) or a leak (started, then abandoned while suspended).
  void on_frame_destroyed();
  // Records a leaked_task finding once, however many owners notice.
  void report_leak(std::string_view why);

  void set_waiting_on(std::string_view what);
  asio::cancellation_signal& cancel_signal() { return cancel_; }

  // The task's index in its owner's list of live tasks (a task scope's), so the owner removes
  // it in O(1). Guarded by the owner's lock.
  std::size_t owner_index = 0;

 private:
  friend class registry_core;
  friend class tracked_executor;

  std::shared_ptr<registry_core> core_;
  std::uint64_t id_;
  std::string name_;
  std::source_location site_;
  std::chrono::nanoseconds spawned_at_;
  std::atomic<task_state> state_{task_state::scheduled};
  std::atomic<bool> leak_reported_{false};
  std::string waiting_on_;  // guarded by the core's mutex
  asio::cancellation_signal cancel_;
  task_record* prev_ = nullptr;  // the core's live list, guarded by its mutex
  task_record* next_ = nullptr;
};

// The registry's state, shared with records and pending tasks so that findings reported while
// (or after) the context is destroyed still land in the log.
class registry_core {
 public:
  explicit registry_core(clock_service* clock);

  std::shared_ptr<task_record> add(std::shared_ptr<registry_core> self, std::string_view name,
                                   std::source_location site);
  void remove(task_record& record);

  std::vector<task_info> snapshot() const;
  std::size_t live_count() const;
  std::chrono::nanoseconds now() const;
  // Emits terminal cancellation to every live task. Call on the context's thread.
  void cancel_all();

  // Records into this context's log and publishes to every scoped_finding_capture.
  void record(finding f);
  void record(finding_kind kind, const task_record& task, std::string message);
  const std::shared_ptr<findings_log>& log() const { return log_; }

  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // Waiter lists park completion handlers outside Asio's queues; the registry destroys what
  // they still hold when the context shuts down, as Asio does with its own pending operations.
  // Kept here, not in the service, because a waiter list may outlive its context.
  void attach(waiter_list& list);
  void detach(waiter_list& list);

 private:
  friend class task_registry;
  friend class task_record;

  mutable std::mutex mutex_;
  clock_service* clock_;  // null once the context is gone
  mutable std::chrono::nanoseconds last_now_{0};
  std::shared_ptr<findings_log> log_ = std::make_shared<findings_log>();
  std::atomic<bool> closed_{false};
  std::uint64_t next_id_ = 1;
  task_record* head_ = nullptr;
  std::vector<waiter_list*> waiter_lists_;
};

class task_registry : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  explicit task_registry(asio::execution_context& ctx);
  ~task_registry() override;

  static task_registry& of(asio::execution_context& ctx);
  static task_registry& of(const asio::any_io_executor& ex);

  const std::shared_ptr<registry_core>& core() const { return core_; }
  std::shared_ptr<task_record> add(std::string_view name, std::source_location site) {
    return core_->add(core_, name, site);
  }
  std::vector<task_info> snapshot() const { return core_->snapshot(); }
  std::size_t live_count() const { return core_->live_count(); }
  const std::shared_ptr<findings_log>& findings() const { return core_->log(); }
  void cancel_all() { core_->cancel_all(); }
  // True once the context is being destroyed: work handed to it now will never run.
  bool closed() const { return core_->closed(); }


 private:
  void shutdown() override;

  std::shared_ptr<registry_core> core_;
};

// The tracked task whose handler runs on this thread now, or null.
task_record* current_task();

// True when the calling thread is running `ex`'s execution context now.
bool running_in_this_thread(const asio::any_io_executor& ex);

// Marks the calling thread as running `ctx` for its lifetime. Contexts that are not built on
// Asio's scheduler (the simulator) use it inside their run() so running_in_this_thread() works.
class running_context_guard {
 public:
  explicit running_context_guard(asio::execution_context& ctx);
  ~running_context_guard();
  running_context_guard(const running_context_guard&) = delete;
  running_context_guard& operator=(const running_context_guard&) = delete;

 private:
  asio::execution_context* previous_;
};

// An executor adaptor that runs every handler of one task with that task marked current and
// running, so the registry sees running vs suspended and waits can say who waits.
//
// It is one shared pointer wide, so any_io_executor stores it inline instead of allocating on
// every copy. The binding holds the task weakly: the task's cancellation signal stores
// co_spawn's cancellation handler, which holds a copy of this executor, so a strong reference
// would be a cycle. A submitted handler holds the task strongly until it has run.
class tracked_executor {
 public:
  struct binding {
    asio::any_io_executor inner;
    std::weak_ptr<task_record> task;
  };

  explicit tracked_executor(std::shared_ptr<const binding> b) : binding_(std::move(b)) {}
  tracked_executor(asio::any_io_executor inner, const std::shared_ptr<task_record>& task)
      : binding_(std::make_shared<const binding>(binding{std::move(inner), task})) {}

  template <typename Function>
  void execute(Function&& f) const {
    binding_->inner.execute([task = binding_->task.lock(), f = std::forward<Function>(f)]() mutable {
      running_scope running(task.get());
      std::move(f)();
    });
  }

  asio::execution_context& query(asio::execution::context_t) const noexcept {
    return asio::query(binding_->inner, asio::execution::context);
  }

  template <typename Property>
    requires requires(const asio::any_io_executor& e, const Property& p) { asio::require(e, p); }
  tracked_executor require(const Property& p) const {
    return rebind(asio::require(binding_->inner, p));
  }
  template <typename Property>
    requires requires(const asio::any_io_executor& e, const Property& p) { asio::prefer(e, p); }
  tracked_executor prefer(const Property& p) const {
    return rebind(asio::prefer(binding_->inner, p));
  }

  friend bool operator==(const tracked_executor& a, const tracked_executor& b) noexcept {
    return a.binding_ == b.binding_ ||
           (a.binding_->inner == b.binding_->inner && !a.binding_->task.owner_before(b.binding_->task) &&
            !b.binding_->task.owner_before(a.binding_->task));
  }
  friend bool operator!=(const tracked_executor& a, const tracked_executor& b) noexcept {
    return !(a == b);
  }

  const asio::any_io_executor& inner() const { return binding_->inner; }

 private:
  // Same task, other properties; shares this binding when the inner executor is unchanged.
  tracked_executor rebind(asio::any_io_executor inner) const {
    if (inner == binding_->inner) return *this;
    return tracked_executor(std::make_shared<const binding>(binding{std::move(inner), binding_->task}));
  }

  // Marks `task` (if still alive) current and running on this thread for one handler.
  class running_scope {
   public:
    explicit running_scope(task_record* task);
    ~running_scope();

   private:
    task_record* task_;
    task_record* previous_;
  };

  std::shared_ptr<const binding> binding_;
};

// The executor beneath any tracked_executor wrapping, so tracking never nests.
asio::any_io_executor untracked(const asio::any_io_executor& ex);

}  // namespace loopcheck
