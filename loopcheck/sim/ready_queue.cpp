#include "loopcheck/sim/ready_queue.hpp"

#include <algorithm>
#include <set>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::sim {

namespace {
// Chain keys of handlers without a task: the high bit keeps them apart from task ids.
constexpr std::uint64_t own_chain_bit = std::uint64_t{1} << 63;

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
  LOOPCHECK_INVARIANT(entries_.size() < capacity_handlers && "ready queue overflow: a runaway program");
  const std::uint64_t sequence = next_sequence_++;
  const std::uint64_t key = chain_key(chain, sequence);
  if (options_.kind == strategy_kind::pct && !pct_priority_.contains(key)) {
    // Initial priorities lie above every value a change point assigns (1 .. d − 1).
    pct_priority_.emplace(key, options_.pct_depth + (random_.next() >> 8));
  }
  entries_.push_back({sequence, key, std::move(handler)});
  return sequence;
}

std::size_t ready_queue::choose_pct(std::uint64_t step) {
  std::size_t best = 0;
  std::uint64_t best_priority = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::uint64_t priority = pct_priority_.at(entries_[i].chain);
    // Strictly greater: among equal priorities (one chain) the oldest handler wins.
    if (i == 0 || priority > best_priority) {
      best = i;
      best_priority = priority;
    }
  }
  const std::uint64_t chain = entries_[best].chain;
  if (pct_changes_done_ < pct_change_steps_.size() && pct_change_steps_[pct_changes_done_] == step) {
    // The i-th change point drops the running chain to priority d − i, below all others.
    ++pct_changes_done_;
    pct_priority_[chain] = options_.pct_depth - pct_changes_done_;
  }
  return best;
}

ready_choice ready_queue::pick(std::uint64_t step) {
  LOOPCHECK_INVARIANT(!entries_.empty());
  std::size_t index = 0;
  switch (options_.kind) {
    case strategy_kind::fifo: index = 0; break;
    case strategy_kind::random: index = random_.below(entries_.size()); break;
    case strategy_kind::pct: index = choose_pct(step); break;
  }
  return take(index);
}

ready_choice ready_queue::pick_index(std::uint64_t index) {
  LOOPCHECK_INVARIANT(!entries_.empty());
  return take(static_cast<std::size_t>(std::min<std::uint64_t>(index, entries_.size() - 1)));
}

ready_choice ready_queue::take(std::size_t index) {
  LOOPCHECK_INVARIANT(index < entries_.size());
  const std::size_t ready_count = entries_.size();
  ready_entry entry = std::move(entries_[index]);
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
  if ((entry.chain & own_chain_bit) != 0) pct_priority_.erase(entry.chain);  // its only handler
  return {std::move(entry), index, ready_count};
}

ready_entry ready_queue::take_oldest() {
  LOOPCHECK_INVARIANT(!entries_.empty());
  return take(0).entry;
}

}  // namespace loopcheck::sim
