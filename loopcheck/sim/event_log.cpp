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
  if (recent_.size() == capacity_events_) recent_.pop_front();
  recent_.push_back({total_events_, time, std::string(kind), std::string(detail)});
  ++total_events_;
  assert(recent_.size() <= capacity_events_);
}

std::vector<sim_event> event_log::recent() const { return {recent_.begin(), recent_.end()}; }

}  // namespace loopcheck::sim
