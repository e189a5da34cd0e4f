#include "loopcheck/sim/event_log.hpp"

#include <cassert>

#include "loopcheck/sim/fnv1a.hpp"

namespace loopcheck::sim {

event_log::event_log(std::size_t capacity_events) : capacity_events_(capacity_events), hash_(fnv1a_offset_basis) {
  assert(capacity_events_ > 0);
}

void event_log::record(std::chrono::nanoseconds time, std::string_view kind, std::string_view detail) {
  // Fields are length-prefixed so that ("ab", "c") and ("a", "bc") hash differently.
  hash_ = fnv1a_64(static_cast<std::uint64_t>(time.count()), hash_);
  hash_ = fnv1a_64(kind.size(), hash_);
  hash_ = fnv1a_64(kind, hash_);
  hash_ = fnv1a_64(detail.size(), hash_);
  hash_ = fnv1a_64(detail, hash_);
  if (ring_.size() < capacity_events_) ring_.emplace_back();
  sim_event& slot = ring_[total_events_ % capacity_events_];
  slot.index = total_events_;
  slot.time = time;
  slot.kind.assign(kind);
  slot.detail.assign(detail);
  ++total_events_;
  assert(ring_.size() <= capacity_events_);
}

std::vector<sim_event> event_log::recent() const {
  std::vector<sim_event> out;
  out.reserve(ring_.size());
  const std::uint64_t first = total_events_ - ring_.size();
  for (std::uint64_t i = first; i < total_events_; ++i) out.push_back(ring_[i % capacity_events_]);
  return out;
}

}  // namespace loopcheck::sim
