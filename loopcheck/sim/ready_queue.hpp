#pragma once
// The simulator's ready queue: handlers that may run now, and the strategy that picks which
// runs next.
//
// What a PCT priority attaches to: a *chain*. A handler posted while a tracked task runs
// (loopcheck::current_task()) joins that task's chain, keyed by the task record's id: the
// task's own continuations and the wake-ups it causes share its priority, as a thread's steps
// do in the original PCT. A timer's completion joins the chain of the task that set the timer.
// A handler posted outside any tracked task is a chain of its own (one fresh priority).
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "loopcheck/sim/live_position_index.hpp"
#include "loopcheck/sim/ready_handler.hpp"
#include "loopcheck/sim/sim_random.hpp"
#include "loopcheck/sim/strategy.hpp"

namespace loopcheck::sim {

// The chain argument for a handler that belongs to no tracked task.
inline constexpr std::uint64_t no_chain = 0;

struct ready_entry {
  std::uint64_t sequence = 0;  // post order, from 1; 0 in a slot whose handler was taken
  std::uint64_t chain = no_chain;
  ready_handler handler;
};

struct ready_choice {
  ready_entry entry;
  std::size_t index = 0;        // position among the ready handlers, oldest = 0
  std::size_t ready_count = 0;  // how many were ready to choose from
};

class ready_queue {
 public:
  // A runaway program posting without end hits the step budget long before this.
  static constexpr std::size_t capacity_handlers = std::size_t{1} << 20;

  ready_queue(const strategy_options& options, std::uint64_t seed);

  // Returns the handler's sequence number. `chain` is a task record id or no_chain.
  std::uint64_t push(ready_handler handler, std::uint64_t chain);
  // Removes and returns the handler the strategy picks for step number `step` (0-based).
  ready_choice pick(std::uint64_t step);
  // Removes and returns the index-th oldest handler (the newest, if fewer are ready): a
  // replayed choice, made without asking the strategy.
  ready_choice pick_index(std::uint64_t index);
  // Removes the oldest handler without asking the strategy (shutdown: destroy, never run).
  ready_entry take_oldest();

  bool empty() const { return live_.live() == 0; }
  std::size_t size() const { return live_.live(); }
  // The chain key a handler posted with `chain` and `sequence` is filed under.
  static std::uint64_t chain_key(std::uint64_t chain, std::uint64_t sequence);

 private:
  std::size_t choose_pct(std::uint64_t step);
  ready_choice take(std::size_t index);
  // Drops the slots of taken handlers once they outnumber the ready ones (amortised O(1)).
  void compact();

  strategy_options options_;
  sim_random random_;
  // Every handler posted since the last compaction, in post order; taken ones leave a slot
  // with sequence 0 behind, so taking one never moves the others. live_ finds the index-th
  // ready one.
  std::vector<ready_entry> entries_;
  live_position_index live_;
  std::uint64_t next_sequence_ = 1;
  // PCT state: every chain's priority (higher runs first) and the sorted change points.
  std::unordered_map<std::uint64_t, std::uint64_t> pct_priority_;
  std::vector<std::uint64_t> pct_change_steps_;
  std::size_t pct_changes_done_ = 0;
};

}  // namespace loopcheck::sim
