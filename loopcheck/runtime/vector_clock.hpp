#pragma once
// A vector clock over the tasks that touched a file (FastTrack, Flanagan & Freund, PLDI 2009):
// happens-before for file accesses. Only tasks that accessed a file get an entry (a "slot"),
// so the clocks of a run without file accesses stay empty and cost nothing to copy or join.
#include <cstdint>
#include <utility>
#include <vector>

namespace loopcheck {

// A task's position in happens-before: access number `count` of the task in `slot`.
struct clock_epoch {
  std::uint64_t slot = 0;  // 0: no task (an access outside any tracked task)
  std::uint32_t count = 0;
};

class vector_clock {
 public:
  // The entry for `slot` (0 when it has none).
  std::uint32_t at(std::uint64_t slot) const;
  // True when the access at `epoch` happens before everything this clock has seen.
  bool covers(clock_epoch epoch) const { return at(epoch.slot) >= epoch.count; }
  // Element-wise maximum.
  void join(const vector_clock& other);
  // Advances `slot`'s entry by one (from 0 when absent).
  void tick(std::uint64_t slot);
  // Drops the entries of the oldest slots beyond `max_entries`.
  void keep_newest(std::size_t max_entries);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries_;  // sorted by slot, no zero counts
};

// A fresh slot for a task's first file access; slots are never reused in a process.
std::uint64_t new_clock_slot();

}  // namespace loopcheck
