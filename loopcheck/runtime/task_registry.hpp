#pragma once
// The task registry: one per execution context (an Asio service). It knows every live tracked
// task (id, name, spawn site, state, age, what it waits on) and keeps the findings log.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/smart_ptr/intrusive_ptr.hpp>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/runtime/slab_pool.hpp"
#include "loopcheck/runtime/vector_clock.hpp"

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
  bool background_service = false;  // runtime/background_service.hpp
};

class registry_core;
class task_record;

// A counted reference to a task record. Records are recycled by their registry, so the count is
// intrusive: no control block per task, and a recycled record keeps its cancellation signal
// (whose memory Asio reuses for the next task's cancellation state).
using task_ref = boost::intrusive_ptr<task_record>;
void intrusive_ptr_add_ref(task_record* task) noexcept;
void intrusive_ptr_release(task_record* task) noexcept;

// One tracked task. Shared by the registry, the task's coroutine frame and its executor.
class task_record {
 public:
  task_record(const task_record&) = delete;
  task_record& operator=(const task_record&) = delete;

  std::uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  std::source_location site() const { return site_; }
  task_state state() const { return state_.load(std::memory_order_acquire); }
  registry_core& core() const { return *core_; }
  const std::shared_ptr<registry_core>& shared_core() const { return core_; }

  // Called when the task ends, normally or by an exception.
  void mark_done();
  // Called when the task's coroutine frame is destroyed: a frame destroyed before it finished
  // is an orphan (never started) or a leak (started, then abandoned while suspended).
  void on_frame_destroyed();
  // Reports a leaked_task (an owner abandoned the task, started or not), unless the task was
  // reported already, leaked or orphaned: one finding per task. `why` says what abandoned it.
  void report_abandoned(std::string_view why);

  // A deliberate background service may outlive the test case that started it
  // (runtime/background_service.hpp).
  bool background_service() const { return background_service_.load(std::memory_order_relaxed); }
  void mark_background_service() { background_service_.store(true, std::memory_order_relaxed); }

  void set_waiting_on(std::string_view what);
  // Requests terminal cancellation, from any thread. The signal is emitted by whoever runs the
  // task's handlers alone (see enter_handler): now when nobody does, else when its handler
  // leaves. A request that comes before the task began is kept: the task then ends as
  // cancelled without running.
  void cancel();
  bool cancel_requested() const { return cancel_requested_.load(std::memory_order_acquire); }
  // The task's cancellation slot, for its bottom frame. Emit through cancel(), which also keeps
  // a request made before the task began.
  asio::cancellation_slot cancellation_slot() { return cancel_.slot(); }

  // One thread at a time runs the task's handlers, as if each task had its own strand: on an
  // io_context run by several threads or a thread_pool, a handler posted through the task's
  // executor would otherwise run beside the task's coroutine, racing on its state, clock and
  // cancellation slot. The owning thread may re-enter (a dispatch that runs inline). cancel()
  // never waits for it, so two tasks cancelling each other from their handlers cannot deadlock.
  void enter_handler() noexcept;
  // Leaves; the owner's last leave first emits a cancellation requested meanwhile.
  void leave_handler() noexcept;

  // Outstanding work held for the task (its bottom frame, the tracked_executor copies that
  // track work): the first holder takes one unit of work on the inner executor's context, the
  // last gives it back.
  void work_started() noexcept;
  void work_finished() noexcept;

  // Happens-before (happens_before.hpp). The clock is touched only by the task's own handlers
  // and by whoever handles its end, which runs after its last handler: no lock.
  vector_clock& clock() { return clock_; }
  // Joins this task's clock into `into` (the receiver of an ordering edge), then advances the
  // task's own entry, so its later accesses are not ordered before the receiver's.
  void release_clock(vector_clock& into);
  // This task's epoch for a file access now (its first access gives it a slot).
  clock_epoch access_epoch();

  // Links in its owner's list of live tasks (a task scope's), so the owner removes it in O(1)
  // touching only its neighbours. Guarded by the owner's lock.
  task_record* owner_prev = nullptr;
  task_record* owner_next = nullptr;

 private:
  friend class registry_core;
  friend class tracked_executor;
  friend void intrusive_ptr_add_ref(task_record* task) noexcept;
  friend void intrusive_ptr_release(task_record* task) noexcept;
  template <typename, std::size_t>
  friend class slab_pool;

  task_record() = default;
  ~task_record() = default;

  void sync_work() noexcept;  // makes work_ match work_refs_
  bool try_enter_handler() noexcept;
  void emit_pending_cancel();  // call inside the task's handler exclusion

  std::atomic<std::size_t> refs_{0};
  vector_clock clock_;
  std::uint64_t clock_slot_ = 0;  // 0 until the task's first file access
  std::shared_ptr<registry_core> core_;  // null while the record waits in its registry's pool
  std::uint64_t id_ = 0;
  std::string name_;
  std::source_location site_;
  std::chrono::nanoseconds spawned_at_{0};
  std::atomic<task_state> state_{task_state::scheduled};
  std::atomic<bool> abandonment_reported_{false};
  std::atomic<bool> background_service_{false};
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> cancel_pending_{false};       // requested, not yet emitted
  std::atomic<std::uintptr_t> handler_owner_{0};  // the thread inside the task's handlers, or 0
  std::atomic<std::uint32_t> handler_waiters_{0};
  std::uint32_t handler_depth_ = 0;  // the owner's re-entries; touched by the owner only
  std::atomic<bool> has_waiting_on_{false};  // waiting_on_ is not empty; read without the lock
  std::string waiting_on_;                   // guarded by the core's mutex
  // Kept across reuse on purpose: the cancellation state a task installs stays in it after
  // the task ends, and the next task's state takes its place in the same memory.
  asio::cancellation_signal cancel_;
  asio::any_io_executor inner_;  // the task's executor, untracked (it holds no work)
  // inner_'s target when it is an io_context's executor: then handlers and work go to it
  // directly, without a second round of type erasure (and its allocation) per handler.
  const asio::io_context::executor_type* io_inner_ = nullptr;
  std::atomic<std::size_t> work_refs_{0};
  std::atomic_flag work_lock_;
  std::optional<asio::any_io_executor> work_;  // guarded by work_lock_; held while work_refs_ > 0
  // The core's live list, from spawn until the last reference goes (a done record stays
  // linked until then, skipped by state). Guarded by its mutex.
  task_record* prev_ = nullptr;
  task_record* next_ = nullptr;
};

// The registry's state, shared with records and pending tasks so that findings reported while
// (or after) the context is destroyed still land in the log.
class registry_core {
 public:
  explicit registry_core(clock_service* clock);
  ~registry_core();
  registry_core(const registry_core&) = delete;
  registry_core& operator=(const registry_core&) = delete;

  // A new live task running on `ex`, in a recycled record when the pool has one.
  task_ref add(std::shared_ptr<registry_core> self, const asio::any_io_executor& ex, std::string_view name,
               std::source_location site);

  std::vector<task_info> snapshot() const;
  std::size_t live_count() const;
  std::chrono::nanoseconds now() const;
  // Requests terminal cancellation of every live task. Thread-safe.
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
  friend void intrusive_ptr_release(task_record* task) noexcept;

  mutable std::mutex mutex_;
  clock_service* clock_;  // null once the context is gone
  mutable std::chrono::nanoseconds last_now_{0};
  std::shared_ptr<findings_log> log_ = std::make_shared<findings_log>();
  std::atomic<bool> closed_{false};
  // Records come from slabs and go back when their last reference goes: a spawn usually
  // allocates nothing of its own, and a burst of tasks allocates and frees a slab per
  // records_per_slab tasks. At most max_empty_slabs * records_per_slab idle records are kept, so
  // a burst does not pin its peak memory for the registry's lifetime.
  static constexpr std::size_t records_per_slab = 64;
  static constexpr std::size_t max_empty_slabs = 16;
  // Unlinks a record whose last reference went and gives it back (called with no lock held).
  void recycle(task_record& record) noexcept;

  std::uint64_t next_id_ = 1;
  task_record* head_ = nullptr;
  slab_pool<task_record, records_per_slab> records_{max_empty_slabs};  // guarded by mutex_
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

// True when the calling thread is running `ex` now: inside the strand when `ex` is a strand,
// inside the context's run() for io_context's and thread_pool's executors (any of the threads
// running it), inside a simulated context's run(). For an executor type none of those, true
// when a handler of a tracked task on `ex`'s context is running on this thread.
bool running_in_this_thread(const asio::any_io_executor& ex);
// True when the calling thread runs any handler of `ex`'s context now (a strand's inner
// executor's): waiting on `ex` from here could block a thread the context needs.
bool running_context_in_this_thread(const asio::any_io_executor& ex);

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
// It is a record pointer and the properties asked of it, so any_io_executor stores it inline
// and making or copying one allocates nothing. The record keeps the inner executor; the
// properties are applied to it when a handler is submitted. A copy that tracks outstanding
// work holds it through the record (work_started/work_finished), as the inner executor would.
class tracked_executor {
 public:
  explicit tracked_executor(task_record& task) noexcept : task_(&task) { intrusive_ptr_add_ref(task_); }
  tracked_executor(const tracked_executor& other) noexcept : task_(other.task_), props_(other.props_) {
    acquire();
  }
  tracked_executor(tracked_executor&& other) noexcept
      : task_(std::exchange(other.task_, nullptr)), props_(other.props_) {}
  tracked_executor& operator=(tracked_executor other) noexcept {
    std::swap(task_, other.task_);
    std::swap(props_, other.props_);
    return *this;
  }
  ~tracked_executor() { release(); }

  template <typename Function>
  void execute(Function&& f) const {
    auto run = [task = task_ref(task_), f = std::forward<Function>(f)]() mutable {
      running_scope running(task.get());
      std::move(f)();
    };
    if (task_->io_inner_ != nullptr) with_properties(*task_->io_inner_).execute(std::move(run));
    else if ((props_ & ~tracked_bit) == 0) task_->inner_.execute(std::move(run));
    else with_properties(task_->inner_).execute(std::move(run));
  }

  // Not noexcept: the simulator's executor refuses an Asio I/O object asking it (sim/asio_io_guard.hpp).
  asio::execution_context& query(asio::execution::context_t) const {
    return asio::query(task_->inner_, asio::execution::context);
  }

  tracked_executor require(asio::execution::blocking_t::never_t) const { return with(blocking_mask, never_bit); }
  tracked_executor require(asio::execution::blocking_t::possibly_t) const { return with(blocking_mask, possibly_bit); }
  tracked_executor require(asio::execution::outstanding_work_t::tracked_t) const { return with(tracked_bit, tracked_bit); }
  tracked_executor require(asio::execution::outstanding_work_t::untracked_t) const { return with(tracked_bit, 0); }
  tracked_executor require(asio::execution::relationship_t::fork_t) const { return with(relationship_mask, fork_bit); }
  tracked_executor require(asio::execution::relationship_t::continuation_t) const {
    return with(relationship_mask, continuation_bit);
  }

  friend bool operator==(const tracked_executor& a, const tracked_executor& b) noexcept {
    return a.task_ == b.task_ && a.props_ == b.props_;
  }
  friend bool operator!=(const tracked_executor& a, const tracked_executor& b) noexcept { return !(a == b); }

  // The inner executor with this one's properties.
  asio::any_io_executor inner() const;

 private:
  // Properties asked of this executor; unset ones are the inner executor's own.
  static constexpr std::uint8_t never_bit = 1;
  static constexpr std::uint8_t possibly_bit = 2;
  static constexpr std::uint8_t blocking_mask = never_bit | possibly_bit;
  static constexpr std::uint8_t fork_bit = 4;
  static constexpr std::uint8_t continuation_bit = 8;
  static constexpr std::uint8_t relationship_mask = fork_bit | continuation_bit;
  static constexpr std::uint8_t tracked_bit = 16;

  tracked_executor with(std::uint8_t mask, std::uint8_t bits) const {
    tracked_executor copy(*task_);
    copy.props_ = static_cast<std::uint8_t>((props_ & ~mask) | bits);
    if ((copy.props_ & tracked_bit) != 0) task_->work_started();
    return copy;
  }
  // `ex` with this executor's blocking and relationship properties (not its work tracking,
  // which the copy holds through the record).
  template <typename Executor>
  Executor with_properties(Executor ex) const {
    if ((props_ & never_bit) != 0) ex = asio::require(ex, asio::execution::blocking.never);
    if ((props_ & possibly_bit) != 0) ex = asio::prefer(ex, asio::execution::blocking.possibly);
    if ((props_ & fork_bit) != 0) ex = asio::prefer(ex, asio::execution::relationship.fork);
    if ((props_ & continuation_bit) != 0) ex = asio::prefer(ex, asio::execution::relationship.continuation);
    return ex;
  }
  void acquire() noexcept {
    if (task_ == nullptr) return;
    intrusive_ptr_add_ref(task_);
    if ((props_ & tracked_bit) != 0) task_->work_started();
  }
  void release() noexcept {
    if (task_ == nullptr) return;
    if ((props_ & tracked_bit) != 0) task_->work_finished();
    intrusive_ptr_release(std::exchange(task_, nullptr));
  }

  // Marks `task` current and running on this thread for one handler.
  class running_scope {
   public:
    explicit running_scope(task_record* task);
    ~running_scope();

   private:
    task_record* task_;
    task_record* previous_;
  };

  task_record* task_;  // counted; null only once moved from
  std::uint8_t props_ = 0;
};

// The executor beneath any tracked_executor wrapping, so tracking never nests.
asio::any_io_executor untracked(const asio::any_io_executor& ex);

}  // namespace loopcheck
