#include "loopcheck/runtime/lazy_slot.hpp"

#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "loopcheck/runtime/happens_before.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck {

struct lazy_slot::state : std::enable_shared_from_this<lazy_slot::state> {
  struct request {
    factory make;
    std::source_location site;
    // What the requesters did before asking (and, for a waiting request, the end of the run
    // before it) happens before the run that serves them.
    vector_clock clock = {};
  };

  state(const asio::any_io_executor& ex, std::string slot_name)
      : executor(untracked(ex)), name(std::move(slot_name)), idle_waiters(executor, fmt::format("lazy_slot '{}' idle", name)) {}

  bool idle() {
    std::lock_guard lock(mutex);
    return !busy && !waiting;
  }

  // Runs `next` as the slot's task. The caller claimed the slot (busy) and holds no lock.
  void start(request next) {
    auto record = detail::new_task_record(executor, name, next.site);
    if (!record) return give_up_claim();  // the context is going away: orphan_spawn already recorded
    record->clock().join(next.clock);
    {
      std::lock_guard lock(mutex);
      running = record;
      ++runs_started;
    }
    // A coroutine lambda's frame refers to its closure: keep the factory alive until the task
    // ends, so requests may capture what they write.
    auto make = std::make_shared<factory>(std::move(next.make));
    try {
      detail::launch(record, (*make)(), [self = shared_from_this(), make](task_record& task, std::exception_ptr error) {
        self->finished(task, std::move(error));
      });
    } catch (...) {
      // The factory threw instead of making the task, or the launch failed: this run failed,
      // and its failure is the slot's, as a run's own would be.
      record->mark_done();
      finished(*record, std::current_exception());
    }
  }

  void give_up_claim() {
    {
      std::lock_guard lock(mutex);
      busy = false;
    }
    idle_waiters.notify_all();
  }

  void finished(task_record& task, std::exception_ptr error) {
    ended.join(task.clock());
    std::optional<request> next;
    {
      std::lock_guard lock(mutex);
      running.reset();
      if (error) {
        if (!first_error) {
          first_error = error;
          failed_task = task_ref(&task);
        } else {
          detail::report_unobserved(task, error, fmt::format("lazy slot '{}': a later task failed before drain()", name));
        }
      }
      if (waiting && !abandoned) next.swap(waiting);
      busy = next.has_value();  // the waiting request keeps the slot claimed
    }
    if (next) next->clock.join(task.clock());
    if (next) start(std::move(*next));
    else idle_waiters.notify_all();
  }

  const asio::any_io_executor executor;
  const std::string name;
  std::mutex mutex;
  // From a request's claim to its run's end; request() checks and claims under one lock, so two
  // threads never both start a run.
  bool busy = false;                              // guarded by mutex
  task_ref running;                               // guarded by mutex; null until the claim's run launches
  std::optional<request> waiting;                 // guarded by mutex
  std::exception_ptr first_error;                 // guarded by mutex
  task_ref failed_task;                           // guarded by mutex
  bool abandoned = false;                         // guarded by mutex
  std::uint64_t runs_started = 0;                 // guarded by mutex
  std::uint64_t requests_replaced = 0;            // guarded by mutex
  waiter_list idle_waiters;
  ordering_point ended;  // every run's end happens before drain() returns
};

lazy_slot::lazy_slot(asio::any_io_executor ex, std::string name)
    : state_(std::make_shared<state>(ex, std::move(name))) {}

lazy_slot::~lazy_slot() {
  task_ref running;
  std::optional<state::request> waiting;
  std::exception_ptr error;
  task_ref failed;
  {
    std::lock_guard lock(state_->mutex);
    state_->abandoned = true;
    running = state_->running;
    waiting.swap(state_->waiting);
    error = std::exchange(state_->first_error, nullptr);
    failed = std::move(state_->failed_task);
  }
  if (running) running->report_abandoned(fmt::format("lazy slot '{}' was destroyed while its task ran (drain() it first)", state_->name));
  if (waiting) {
    auto core = task_registry::of(state_->executor).core();
    core->record(finding{finding_kind::unawaited_task, state_->name, 0, waiting->site, core->now(),
                         fmt::format("lazy slot '{}' was destroyed with a waiting request that never ran: "
                                     "the last change was lost", state_->name)});
  }
  if (error) detail::report_unobserved(*failed, error, fmt::format("lazy slot '{}': a task failed and drain() never ran", state_->name));
}

void lazy_slot::request(factory make, std::source_location site) {
  state::request next{std::move(make), site};
  release_current_clock(next.clock);
  {
    std::lock_guard lock(state_->mutex);
    if (state_->busy) {
      if (state_->waiting) {
        ++state_->requests_replaced;
        // The replaced request is served by this one's run.
        next.clock.join(state_->waiting->clock);
      }
      state_->waiting = std::move(next);
      return;
    }
    state_->busy = true;
  }
  state_->start(std::move(next));
}

asio::awaitable<void> lazy_slot::drain() {
  auto st = state_;
  // Each wake-up is a transition to idle; a new request() between the notify and our resume
  // starts another run, so bound the retries by how many runs could start meanwhile.
  constexpr int max_rounds = 1'000'000;
  for (int round = 0;; ++round) {
    if (round == max_rounds) throw std::logic_error(fmt::format("lazy slot '{}' never became idle", st->name));
    const auto seen = st->idle_waiters.epoch();
    if (st->idle()) break;
    co_await st->idle_waiters.async_wait(seen, asio::use_awaitable);
  }
  st->ended.acquire();
  std::exception_ptr error;
  {
    std::lock_guard lock(st->mutex);
    error = std::exchange(st->first_error, nullptr);
    st->failed_task.reset();
  }
  if (error) std::rethrow_exception(error);
}

bool lazy_slot::idle() const { return state_->idle(); }

std::uint64_t lazy_slot::runs_started() const {
  std::lock_guard lock(state_->mutex);
  return state_->runs_started;
}

std::uint64_t lazy_slot::requests_replaced() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests_replaced;
}

lazy_slots::lazy_slots(asio::any_io_executor ex, std::size_t max_keys) : executor_(std::move(ex)), max_keys_(max_keys) {}

void lazy_slots::request(std::string_view key, lazy_slot::factory make, std::source_location site) {
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    if (slots_.size() == max_keys_) {
      throw std::length_error(fmt::format("lazy_slots: more than {} keys (adding '{}')", max_keys_, key));
    }
    it = slots_.emplace(std::string(key), std::make_unique<lazy_slot>(executor_, std::string(key))).first;
  }
  it->second->request(std::move(make), site);
}

asio::awaitable<void> lazy_slots::drain() {
  std::exception_ptr first_error;
  for (auto& [key, slot] : slots_) {
    try {
      co_await slot->drain();
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

const lazy_slot* lazy_slots::find(std::string_view key) const {
  auto it = slots_.find(key);
  return it == slots_.end() ? nullptr : it->second.get();
}

}  // namespace loopcheck
