#pragma once
// The executor of a sim_context. It satisfies everything asio::any_io_executor asks for, so
// co_spawn, post, dispatch and loopcheck's runtime use it unchanged. Like io_context's
// executor: blocking.possibly (the default) runs a function inline when called from inside the
// context's run(), blocking.never always queues it; outstanding_work.tracked counts as work
// (for information only: a sim run ends when nothing is ready and no timer is pending).
#include <cstdint>
#include <type_traits>
#include <utility>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/sim/ready_handler.hpp"

namespace loopcheck::sim {

class sim_context;

class sim_executor {
 public:
  explicit sim_executor(sim_context& context) noexcept : context_(&context) {}
  sim_executor(const sim_executor& other) noexcept;
  sim_executor(sim_executor&& other) noexcept;
  sim_executor& operator=(const sim_executor& other) noexcept;
  sim_executor& operator=(sim_executor&& other) noexcept;
  ~sim_executor();

  template <typename Function>
  void execute(Function&& f) const {
    if (!blocking_never() && may_run_inline()) {
      std::decay_t<Function> local(std::forward<Function>(f));
      std::move(local)();
      return;
    }
    submit(ready_handler(std::forward<Function>(f)));
  }

  // Asio's I/O objects ask this at construction, before they create io_context's services on
  // the context: one that cannot work here is refused then (asio_io_guard.hpp).
  sim_context& query(asio::execution::context_t) const;
  asio::execution::blocking_t query(asio::execution::blocking_t) const noexcept {
    return blocking_never() ? asio::execution::blocking_t(asio::execution::blocking.never)
                            : asio::execution::blocking_t(asio::execution::blocking.possibly);
  }
  asio::execution::outstanding_work_t query(asio::execution::outstanding_work_t) const noexcept {
    return tracks_work() ? asio::execution::outstanding_work_t(asio::execution::outstanding_work.tracked)
                         : asio::execution::outstanding_work_t(asio::execution::outstanding_work.untracked);
  }
  asio::execution::relationship_t query(asio::execution::relationship_t) const noexcept {
    return (bits_ & continuation_bit) != 0
               ? asio::execution::relationship_t(asio::execution::relationship.continuation)
               : asio::execution::relationship_t(asio::execution::relationship.fork);
  }

  sim_executor require(asio::execution::blocking_t::never_t) const { return with(never_bit, true); }
  sim_executor require(asio::execution::blocking_t::possibly_t) const { return with(never_bit, false); }
  sim_executor require(asio::execution::outstanding_work_t::tracked_t) const { return with(tracked_bit, true); }
  sim_executor require(asio::execution::outstanding_work_t::untracked_t) const { return with(tracked_bit, false); }
  sim_executor require(asio::execution::relationship_t::continuation_t) const { return with(continuation_bit, true); }
  sim_executor require(asio::execution::relationship_t::fork_t) const { return with(continuation_bit, false); }

  friend bool operator==(const sim_executor& a, const sim_executor& b) noexcept {
    return a.context_ == b.context_ && a.bits_ == b.bits_;
  }
  friend bool operator!=(const sim_executor& a, const sim_executor& b) noexcept { return !(a == b); }

  // True inside the context's run() on this thread.
  bool running_in_this_thread() const noexcept;

 private:
  static constexpr std::uint8_t never_bit = 1;
  static constexpr std::uint8_t tracked_bit = 2;
  static constexpr std::uint8_t continuation_bit = 4;

  sim_executor with(std::uint8_t bit, bool on) const {
    sim_executor copy(*context_);
    copy.bits_ = static_cast<std::uint8_t>(on ? (bits_ | bit) : (bits_ & ~bit));
    if (copy.tracks_work()) copy.work_started();
    return copy;
  }
  bool blocking_never() const noexcept { return (bits_ & never_bit) != 0; }
  bool tracks_work() const noexcept { return (bits_ & tracked_bit) != 0; }
  bool may_run_inline() const noexcept;
  void submit(ready_handler handler) const;
  void work_started() const noexcept;
  void work_finished() const noexcept;

  sim_context* context_;
  std::uint8_t bits_ = 0;
};

}  // namespace loopcheck::sim
