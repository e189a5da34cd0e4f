#include "loopcheck/sim/sim_executor.hpp"

#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/sim/asio_io_guard.hpp"
#include "loopcheck/sim/sim_context.hpp"

namespace loopcheck::sim {

sim_executor::sim_executor(const sim_executor& other) noexcept : context_(other.context_), bits_(other.bits_) {
  if (tracks_work()) work_started();
}

// A moved-from executor no longer holds work, as with io_context's executor.
sim_executor::sim_executor(sim_executor&& other) noexcept : context_(other.context_), bits_(other.bits_) {
  other.bits_ = static_cast<std::uint8_t>(other.bits_ & ~tracked_bit);
}

sim_executor& sim_executor::operator=(const sim_executor& other) noexcept {
  if (this == &other) return *this;
  if (other.tracks_work()) other.work_started();
  if (tracks_work()) work_finished();
  context_ = other.context_;
  bits_ = other.bits_;
  return *this;
}

sim_executor& sim_executor::operator=(sim_executor&& other) noexcept {
  if (this == &other) return *this;
  if (tracks_work()) work_finished();
  context_ = other.context_;
  bits_ = other.bits_;
  other.bits_ = static_cast<std::uint8_t>(other.bits_ & ~tracked_bit);
  return *this;
}

sim_executor::~sim_executor() {
  if (tracks_work()) work_finished();
}

sim_context& sim_executor::query(asio::execution::context_t) const {
  refuse_asio_io_object_under_construction();
  return *context_;
}

bool sim_executor::running_in_this_thread() const noexcept { return context_->running_in_this_thread(); }

bool sim_executor::may_run_inline() const noexcept {
  return context_->running_in_this_thread() && context_->accepting_;
}

void sim_executor::submit(ready_handler handler) const { context_->submit(std::move(handler), current_chain()); }

void sim_executor::work_started() const noexcept { ++context_->outstanding_work_; }

void sim_executor::work_finished() const noexcept {
  LOOPCHECK_INVARIANT(context_->outstanding_work_ > 0);
  --context_->outstanding_work_;
}

}  // namespace loopcheck::sim
