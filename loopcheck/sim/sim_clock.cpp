#include "loopcheck/sim/sim_clock.hpp"

#include <fmt/format.h>
#include <limits>

#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "loopcheck/sim/sim_context.hpp"

namespace loopcheck::sim {

class sim_clock::cancel_on_signal {
 public:
  cancel_on_signal(sim_clock& clock, timer_id id) : clock_(clock), id_(id) {}
  void operator()(asio::cancellation_type type) {
    // Every kind a steady_timer honours: the awaiting coroutine's filter decides which reach us.
    if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                 asio::cancellation_type::total)) != asio::cancellation_type::none) {
      clock_.cancel_timer(id_);
    }
  }

 private:
  sim_clock& clock_;
  timer_id id_;
};

sim_clock::sim_clock(sim_context& context) : clock_service(context), context_(context) {}

asio::awaitable<void> sim_clock::sleep_for(asio::any_io_executor, std::chrono::nanoseconds duration) {
  constexpr auto latest = std::chrono::nanoseconds::max();
  const auto wait = std::max(duration, std::chrono::nanoseconds::zero());
  const auto deadline = wait > latest - now_ ? latest : now_ + wait;  // saturate, never overflow
  // Returned, not awaited here: no coroutine frame of its own.
  auto initiation = [this, deadline](auto handler) { park_timer(timer_handler(std::move(handler)), deadline); };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(boost::system::error_code)>(std::move(initiation),
                                                                                               asio::use_awaitable);
}

clock_service::timer_id sim_clock::park_timer(timer_handler handler, std::chrono::nanoseconds deadline) {
  LOOPCHECK_INVARIANT(timers_.size() < capacity_timers && "timer queue overflow: a runaway program");
  const timer_key key{deadline, next_sequence_++};
  const std::uint64_t chain = current_chain();
  if (task_record* task = current_task()) {
    task->set_waiting_on(fmt::format("a virtual timer due at t={}ns", deadline.count()));
  }
  auto slot = handler.get_cancellation_slot();
  if (slot.is_connected()) slot.template emplace<cancel_on_signal>(*this, timer_id{deadline, key.second});
  timers_.emplace(key, pending_timer{chain, std::move(handler)});
  context_.record_eventf("timer.set", "#{} due {}ns chain {}", key.second, deadline.count(), chain);
  return {deadline, key.second};
}

std::optional<std::chrono::nanoseconds> sim_clock::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

void sim_clock::advance_to(std::chrono::nanoseconds time) {
  LOOPCHECK_INVARIANT(time >= now_ && "virtual time never goes back");
  if (time == now_) return;
  now_ = time;
  context_.record_eventf("time", "{}ns", time.count());
}

void sim_clock::release_due_timers() {
  // Bounded by the number of timers: each round removes one.
  while (!timers_.empty() && timers_.begin()->first.first <= now_) {
    auto node = timers_.extract(timers_.begin());
    complete(node.key(), std::move(node.mapped()), {});
  }
}

bool sim_clock::cancel_timer(const timer_id& id) {
  const timer_key key{id.deadline, id.sequence};
  auto it = timers_.find(key);
  if (it == timers_.end()) return false;  // already fired: its completion is on its way
  auto node = timers_.extract(it);
  complete(key, std::move(node.mapped()), asio::error::operation_aborted);
  return true;
}

void sim_clock::complete(const timer_key& key, pending_timer timer, boost::system::error_code ec) {
  // A cancelled timer's slot holds the cancel_timer now running; Asio replaces it later.
  auto slot = timer.handler.get_cancellation_slot();
  if (!ec && slot.is_connected()) slot.clear();
  context_.record_eventf(ec ? "timer.cancel" : "timer.fire", "#{}", key.second);
  // Queued on the context, then dispatched to the handler's own executor (a tracked task's
  // executor marks the task running), as waiter_list does.
  context_.submit(ready_handler([handler = std::move(timer.handler), ec]() mutable {
                    asio::dispatch(asio::append(std::move(handler), ec));
                  }),
                  timer.chain);
}

void sim_clock::shutdown() {
  // Bounded by the number of timers: each round removes one, and destroying a coroutine frame
  // resumes no coroutine, so it cannot set a new timer.
  while (!timers_.empty()) {
    auto node = timers_.extract(timers_.begin());
    auto slot = node.mapped().handler.get_cancellation_slot();
    if (slot.is_connected()) slot.clear();
    // `node` dies here: destroying the handler destroys its coroutine frame.
  }
}

}  // namespace loopcheck::sim
