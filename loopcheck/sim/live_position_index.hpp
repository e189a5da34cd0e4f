#pragma once
// Which positions of an append-only sequence are still live, and the k-th live one, each in
// O(log n): a Fenwick tree (binary indexed tree) of live counts. The ready queue keeps its
// handlers in post order and removes them from anywhere; with this it finds "the index-th
// oldest ready handler" without moving the handlers behind it (a deque erase moved on average
// half the queue per step).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::sim {

class live_position_index {
 public:
  // Positions ever appended since the last reset (live or not).
  std::size_t positions() const { return tree_.size() - 1; }
  std::size_t live() const { return live_; }

  // Appends a live position; returns it (0-based).
  std::size_t append() {
    const std::size_t i = tree_.size();  // its 1-based tree index
    // tree_[i] covers positions (i − lowbit(i), i]: the new one plus the live ones before it.
    tree_.push_back(static_cast<std::uint32_t>(1 + prefix(i - 1) - prefix(i - lowbit(i))));
    ++live_;
    return i - 1;
  }

  // Marks a live position dead.
  void erase(std::size_t position) {
    LOOPCHECK_INVARIANT(position < positions() && live_ > 0);
    for (std::size_t i = position + 1; i < tree_.size(); i += lowbit(i)) {
      LOOPCHECK_INVARIANT(tree_[i] > 0);
      --tree_[i];
    }
    --live_;
  }

  // The position of the k-th live position (0-based, oldest first); k < live().
  std::size_t select(std::size_t k) const {
    LOOPCHECK_INVARIANT(k < live_);
    std::size_t position = 0;  // 1-based tree index reached so far
    std::size_t remaining = k + 1;
    // One round per bit of the size: the loop is bounded by 64.
    for (std::size_t step = std::bit_floor(positions()); step != 0; step >>= 1) {
      const std::size_t next = position + step;
      if (next < tree_.size() && tree_[next] < remaining) {
        position = next;
        remaining -= tree_[next];
      }
    }
    LOOPCHECK_INVARIANT(position < positions());
    return position;  // tree index position + 1 holds it: 0-based, that is `position`
  }

  // Restarts with `live_positions` positions, all live (after the owner compacted its storage).
  void reset(std::size_t live_positions) {
    tree_.resize(live_positions + 1);
    for (std::size_t i = 1; i < tree_.size(); ++i) tree_[i] = static_cast<std::uint32_t>(lowbit(i));
    live_ = live_positions;
  }

 private:
  static std::size_t lowbit(std::size_t i) { return i & (~i + 1); }

  // Live positions among the first `count`.
  std::size_t prefix(std::size_t count) const {
    std::size_t sum = 0;
    for (std::size_t i = count; i != 0; i -= lowbit(i)) sum += tree_[i];
    return sum;
  }

  std::vector<std::uint32_t> tree_ = std::vector<std::uint32_t>(1, 0);  // 1-based; tree_[0] unused
  std::size_t live_ = 0;
};

}  // namespace loopcheck::sim
