#include "loopcheck/runtime/vector_clock.hpp"

#include <algorithm>
#include <atomic>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck {

namespace {
auto find_slot(auto& entries, std::uint64_t slot) {
  return std::lower_bound(entries.begin(), entries.end(), slot,
                          [](const auto& entry, std::uint64_t s) { return entry.first < s; });
}
}  // namespace

std::uint32_t vector_clock::at(std::uint64_t slot) const {
  const auto it = find_slot(entries_, slot);
  return it != entries_.end() && it->first == slot ? it->second : 0;
}

void vector_clock::join(const vector_clock& other) {
  if (other.entries_.empty() || &other == this) return;
  if (entries_.empty()) {
    entries_ = other.entries_;
    return;
  }
  std::vector<std::pair<std::uint64_t, std::uint32_t>> merged;
  merged.reserve(entries_.size() + other.entries_.size());
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == entries_.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, std::max(a->second, b->second));
      ++a;
      ++b;
    }
  }
  entries_ = std::move(merged);
}

void vector_clock::tick(std::uint64_t slot) {
  LOOPCHECK_INVARIANT(slot != 0);
  const auto it = find_slot(entries_, slot);
  if (it != entries_.end() && it->first == slot) {
    ++it->second;
  } else {
    entries_.insert(it, {slot, 1});
  }
}

void vector_clock::keep_newest(std::size_t max_entries) {
  if (entries_.size() <= max_entries) return;
  entries_.erase(entries_.begin(), entries_.end() - static_cast<std::ptrdiff_t>(max_entries));
}

std::uint64_t new_clock_slot() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace loopcheck
