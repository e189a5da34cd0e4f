#include "loopcheck/runtime/steady_timer.hpp"

#include <algorithm>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck {

namespace {

clock_service* virtual_clock_of(const asio::any_io_executor& ex) {
  clock_service& clock = clock_of(ex);
  return clock.is_virtual() ? &clock : nullptr;
}

}  // namespace

steady_timer::steady_timer(const executor_type& ex) : ex_(ex), virtual_clock_(virtual_clock_of(ex)) {
  if (virtual_clock_ == nullptr) real_.emplace(ex);
}

steady_timer::steady_timer(const executor_type& ex, duration expiry_after) : steady_timer(ex) {
  expires_after(expiry_after);
}

steady_timer::~steady_timer() { cancel(); }

std::size_t steady_timer::cancel() {
  if (real_) return real_->cancel();
  std::size_t cancelled = 0;
  for (const std::uint64_t sequence : virtual_waits_) {
    // False for a wait that already fired: asio does not count those either.
    if (virtual_clock_->cancel_timer({virtual_deadline(), sequence})) ++cancelled;
  }
  virtual_waits_.clear();
  return cancelled;
}

std::size_t steady_timer::expires_at(time_point expiry) {
  if (real_) return real_->expires_at(expiry);
  const std::size_t cancelled = cancel();
  virtual_expiry_ = expiry;
  return cancelled;
}

std::size_t steady_timer::expires_after(duration expiry_after) {
  if (real_) return real_->expires_after(expiry_after);
  const duration now = virtual_clock_->now();
  // Saturated as asio's timers are: a huge duration means "never", not an overflow.
  const duration latest = time_point::max().time_since_epoch();
  const duration after = std::max(expiry_after, duration::zero());
  return expires_at(time_point(after > latest - now ? latest : now + after));
}

steady_timer::time_point steady_timer::expiry() const { return real_ ? real_->expiry() : virtual_expiry_; }

void steady_timer::park(clock_service::timer_handler handler) {
  LOOPCHECK_INVARIANT(virtual_clock_ != nullptr);
  // Waits that completed since are forgotten here, so a timer awaited in a loop stays small.
  std::erase_if(virtual_waits_, [this](std::uint64_t sequence) {
    return !virtual_clock_->timer_pending({virtual_deadline(), sequence});
  });
  LOOPCHECK_INVARIANT(virtual_waits_.size() < capacity_waits && "waits on one timer overflow: a runaway program");
  virtual_waits_.push_back(virtual_clock_->park_timer(std::move(handler), virtual_deadline()).sequence);
}

std::chrono::nanoseconds steady_timer::virtual_deadline() const {
  // A time point before the clock's start (time_point() included) is due at once.
  return std::max(std::chrono::nanoseconds(virtual_expiry_.time_since_epoch()), std::chrono::nanoseconds::zero());
}

}  // namespace loopcheck
