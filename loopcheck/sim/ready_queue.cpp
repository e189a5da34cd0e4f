#include "loopcheck/sim/ready_queue.hpp"

#include <algorithm>
#include <set>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::sim {

namespace {
// Chain keys of handlers without a task: the high bit keeps them apart from task ids.
constexpr std::uint64_t own_chain_bit = std::uint64_t{1} << 63;
// Taken slots are dropped only when there are at least this many: small queues do not
// compact after every step.
constexpr std::size_t compaction_min_taken_slots = 64;

// m distinct values from [0, n), sorted (Floyd's sampling: exactly m draws).
std::vector<std::uint64_t> sample_distinct(sim_random& random, std::uint64_t m, std::uint64_t n) {
  LOOPCHECK_INVARIANT(m <= n);
  std::set<std::uint64_t> chosen;
  for (std::uint64_t j = n - m; j < n; ++j) {
    const std::uint64_t t = random.below(j + 1);
    chosen.insert(chosen.contains(t) ? j : t);
  }
  return {chosen.begin(), chosen.end()};
}
}  // namespace

ready_queue::ready_queue(const strategy_options& options, std::uint64_t seed)
    : options_(options), random_(mix64(seed ^ 0x5c4ed01e5c4ed01eULL)) {
  if (options_.kind == strategy_kind::pct) {
    LOOPCHECK_INVARIANT(options_.pct_depth >= 1 && options_.pct_horizon_steps >= 1);
    const std::uint64_t changes = std::min<std::uint64_t>(options_.pct_depth - 1, options_.pct_horizon_steps);
    pct_change_steps_ = sample_distinct(random_, changes, options_.pct_horizon_steps);
  }
}

std::uint64_t ready_queue::chain_key(std::uint64_t chain, std::uint64_t sequence) {
  LOOPCHECK_INVARIANT((chain & own_chain_bit) == 0 && (sequence & own_chain_bit) == 0);
  return chain != no_chain ? chain : (own_chain_bit | sequence);
}

std::uint64_t ready_queue::push(ready_handler handler, std::uint64_t chain) {
  LOOPCHECK_INVARIANT(size() < capacity_handlers && "ready queue overflow: a runaway program");
  const std::uint64_t sequence = next_sequence_++;
  const std::uint64_t key = chain_key(chain, sequence);
  if (options_.kind == strategy_kind::pct && !pct_priority_.contains(key)) {
    // Initial priorities lie above every value a change point assigns (1 .. d − 1).
    pct_priority_.emplace(key, options_.pct_depth + (random_.next() >> 8));
  }
  entries_.push_back({sequence, key, std::move(handler)});
  const std::size_t position = live_.append();
  LOOPCHECK_INVARIANT(position + 1 == entries_.size());
  return sequence;
}

std::size_t ready_queue::choose_pct(std::uint64_t step) {
  std::size_t best = 0;  // among the ready handlers, oldest = 0
  std::size_t best_position = 0;
  std::uint64_t best_priority = 0;
  std::size_t index = 0;
  for (std::size_t position = 0; position < entries_.size(); ++position) {
    if (entries_[position].sequence == 0) continue;  // taken
    const std::uint64_t priority = pct_priority_.at(entries_[position].chain);
    // Strictly greater: among equal priorities (one chain) the oldest handler wins.
    if (index == 0 || priority > best_priority) {
      best = index;
      best_position = position;
      best_priority = priority;
    }
    ++index;
  }
  LOOPCHECK_INVARIANT(index == size());
  const std::uint64_t chain = entries_[best_position].chain;
  if (pct_changes_done_ < pct_change_steps_.size() && pct_change_steps_[pct_changes_done_] == step) {
    // The i-th change point drops the running chain to priority d − i, below all others.
    ++pct_changes_done_;
    pct_priority_[chain] = options_.pct_depth - pct_changes_done_;
  }
  return best;
}

ready_choice ready_queue::pick(std::uint64_t step) {
  LOOPCHECK_INVARIANT(!empty());
  std::size_t index = 0;
  switch (options_.kind) {
    case strategy_kind::fifo: index = 0; break;
    case strategy_kind::random: index = random_.below(size()); break;
    case strategy_kind::pct: index = choose_pct(step); break;
  }
  return take(index);
}

ready_choice ready_queue::pick_index(std::uint64_t index) {
  LOOPCHECK_INVARIANT(!empty());
  return take(static_cast<std::size_t>(std::min<std::uint64_t>(index, size() - 1)));
}

ready_choice ready_queue::take(std::size_t index) {
  LOOPCHECK_INVARIANT(index < size());
  const std::size_t ready_count = size();
  const std::size_t position = live_.select(index);
  ready_entry& slot = entries_[position];
  LOOPCHECK_INVARIANT(slot.sequence != 0 && "the index selected a taken slot");
  ready_choice choice{std::move(slot), index, ready_count};
  slot.sequence = 0;
  live_.erase(position);
  if ((choice.entry.chain & own_chain_bit) != 0) pct_priority_.erase(choice.entry.chain);  // its only handler
  compact();
  return choice;
}

void ready_queue::compact() {
  const std::size_t taken = entries_.size() - size();
  if (size() == 0) {
    entries_.clear();
  } else if (taken < compaction_min_taken_slots || taken < size()) {
    return;
  } else {
    // Stable: the ready handlers keep their post order.
    std::erase_if(entries_, [](const ready_entry& e) { return e.sequence == 0; });
  }
  LOOPCHECK_INVARIANT(entries_.size() == size());
  live_.reset(entries_.size());
}

ready_entry ready_queue::take_oldest() {
  LOOPCHECK_INVARIANT(!empty());
  return take(0).entry;
}

}  // namespace loopcheck::sim
