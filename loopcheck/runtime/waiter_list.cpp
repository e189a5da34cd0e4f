#include "loopcheck/runtime/waiter_list.hpp"

#include <algorithm>

#include "loopcheck/runtime/happens_before.hpp"

namespace loopcheck {

class waiter_list::cancel_handler {
 public:
  cancel_handler(std::shared_ptr<liveness> list, std::uint64_t ticket) : list_(std::move(list)), ticket_(ticket) {}
  void operator()(asio::cancellation_type type) {
    if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial)) ==
        asio::cancellation_type::none) {
      return;
    }
    // Held while cancelling, so the list cannot be destroyed meanwhile.
    std::lock_guard lock(list_->mutex);
    if (list_->list != nullptr) list_->list->cancel(ticket_);
  }

 private:
  std::shared_ptr<liveness> list_;
  std::uint64_t ticket_;
};

waiter_list::waiter_list(const asio::any_io_executor& ex, std::string label)
    : executor_(untracked(ex)),
      liveness_(std::make_shared<liveness>(this)),
      core_(task_registry::of(ex).core()),
      label_(std::move(label)) {
  core_->attach(*this);
}

waiter_list::~waiter_list() {
  {
    std::lock_guard lock(liveness_->mutex);
    liveness_->list = nullptr;
  }
  core_->detach(*this);
  abandon();
}

std::uint64_t waiter_list::epoch() const {
  std::lock_guard lock(mutex_);
  acquire_into_current_task(notified_);
  return epoch_;
}

void waiter_list::park(handler_type handler, std::uint64_t seen_epoch) {
  // Before taking our lock: the registry's lock is never taken inside a waiter list's.
  if (task_record* task = current_task()) task->set_waiting_on(label_);
  std::unique_lock lock(mutex_);
  if (epoch_ != seen_epoch) {
    const vector_clock notified = notified_;
    lock.unlock();
    std::list<waiter> batch;
    batch.push_back({0, std::move(handler)});
    complete(batch, {}, notified);
    return;
  }
  const std::uint64_t ticket = next_ticket_++;
  auto slot = handler.get_cancellation_slot();
  if (slot.is_connected()) slot.template emplace<cancel_handler>(liveness_, ticket);
  waiters_.push_back({ticket, std::move(handler)});
}

void waiter_list::complete(std::list<waiter>& batch, boost::system::error_code ec, const vector_clock& notified) {
  for (auto& w : batch) {
    // Post through our context, then dispatch to the handler's own executor (a tracked task's
    // executor marks it running, so the wake acquires into that task); any_completion_executor
    // itself cannot be required to never block.
    asio::post(executor_, [h = std::move(w.handler), ec, notified]() mutable {
      const auto handler_ex = asio::get_associated_executor(h);
      asio::dispatch(handler_ex, [h = std::move(h), ec, notified = std::move(notified)]() mutable {
        // Cleared here, on the waiter's executor, not by the notifier: the slot belongs to the
        // waiting task, and a cancellation emitted meanwhile (on that task's handler
        // exclusion) must not race with the clearing. A cancelled waiter's slot holds the
        // cancel_handler that ran; Asio replaces it later.
        auto slot = h.get_cancellation_slot();
        if (!ec && slot.is_connected()) slot.clear();
        acquire_into_current_task(notified);
        std::move(h)(ec);
      });
    });
  }
}

void waiter_list::notify_one() {
  std::list<waiter> batch;
  vector_clock notified;
  {
    std::lock_guard lock(mutex_);
    ++epoch_;
    release_current_clock(notified_);
    if (waiters_.empty()) return;
    batch.splice(batch.end(), waiters_, waiters_.begin());
    notified = notified_;
  }
  complete(batch, {}, notified);
}

void waiter_list::notify_all() {
  std::list<waiter> batch;
  vector_clock notified;
  {
    std::lock_guard lock(mutex_);
    ++epoch_;
    release_current_clock(notified_);
    batch.swap(waiters_);
    if (!batch.empty()) notified = notified_;
  }
  complete(batch, {}, notified);
}

void waiter_list::cancel(std::uint64_t ticket) {
  std::list<waiter> batch;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(waiters_.begin(), waiters_.end(), [ticket](const waiter& w) { return w.ticket == ticket; });
    if (it == waiters_.end()) return;
    batch.splice(batch.end(), waiters_, it);
  }
  complete(batch, asio::error::operation_aborted);
}

std::size_t waiter_list::size() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

void waiter_list::abandon() {
  std::list<waiter> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(waiters_);
  }
  for (auto& w : batch) {
    auto slot = w.handler.get_cancellation_slot();
    if (slot.is_connected()) slot.clear();
  }
  // `batch` dies here, outside the lock: destroying a handler destroys its coroutine frame.
}

}  // namespace loopcheck
