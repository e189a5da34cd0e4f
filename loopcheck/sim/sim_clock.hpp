#pragma once
// The simulator's virtual clock: a loopcheck::clock_service whose time starts at 0 and moves
// only when the sim_context finds nothing ready (then it jumps to the earliest timer). It
// never sleeps. sleep_for() parks the awaiting coroutine on a timer queue ordered by
// (deadline, sequence number), so ties are broken by the order the timers were set.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/clock.hpp"

namespace loopcheck::sim {

class sim_context;

class sim_clock final : public clock_service {
 public:
  // A program that sets more timers than this at once is a runaway.
  static constexpr std::size_t capacity_timers = std::size_t{1} << 20;

  explicit sim_clock(sim_context& context);

  std::chrono::nanoseconds now() const override { return now_; }
  // Like asio::steady_timer: completes after `duration` of virtual time, or with
  // operation_aborted (thrown by the awaitable) when the awaiting coroutine's cancellation
  // slot fires (terminal by default; partial and total if its filter lets them through).
  asio::awaitable<void> sleep_for(asio::any_io_executor ex, std::chrono::nanoseconds duration) override;

  // Timers for loopcheck::steady_timer, on the same queue as sleep_for's.
  bool is_virtual() const noexcept override { return true; }
  timer_id park_timer(timer_handler handler, std::chrono::nanoseconds deadline) override;
  bool cancel_timer(const timer_id& id) override;
  bool timer_pending(const timer_id& id) const override { return timers_.contains({id.deadline, id.sequence}); }

  // Driven by sim_context::run().
  std::optional<std::chrono::nanoseconds> next_deadline() const;
  void advance_to(std::chrono::nanoseconds time);
  // Moves every timer due at now() to the ready queue, in (deadline, sequence) order.
  void release_due_timers();
  std::size_t pending_timers() const { return timers_.size(); }

 private:
  using timer_key = std::pair<std::chrono::nanoseconds, std::uint64_t>;  // deadline, sequence
  struct pending_timer {
    std::uint64_t chain;  // the task that set the timer, for PCT
    timer_handler handler;
  };
  class cancel_on_signal;

  void complete(const timer_key& key, pending_timer timer, boost::system::error_code ec);
  // Destroys every parked handler without running it: the context is going away.
  void shutdown() override;

  sim_context& context_;
  std::chrono::nanoseconds now_{0};
  std::uint64_t next_sequence_ = 1;
  std::map<timer_key, pending_timer> timers_;
};

}  // namespace loopcheck::sim
