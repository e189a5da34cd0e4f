#pragma once
// The simulator's event log: every scheduling decision, handler post and completion, timer
// set/fire/cancel, fault point and outside event (the simulated file system's operations). All
// events feed one FNV-1a hash that identifies the run; only the last `capacity_events` are
// kept for display. Details must never contain pointer values or anything else that differs
// between two runs of the same seed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loopcheck::sim {

struct sim_event {
  std::uint64_t index = 0;             // position in the run's event stream, from 0
  std::chrono::nanoseconds time{0};    // virtual time
  std::string kind;                    // "post", "pick", "timer.fire", "fs.write", ...
  std::string detail;
};

class event_log {
 public:
  explicit event_log(std::size_t capacity_events);

  void record(std::chrono::nanoseconds time, std::string_view kind, std::string_view detail);

  std::uint64_t hash() const { return hash_; }
  std::uint64_t total_events() const { return total_events_; }
  // The most recent events, oldest first; at most capacity_events of them.
  std::vector<sim_event> recent() const;

 private:
  std::size_t capacity_events_;
  std::uint64_t hash_;
  std::uint64_t total_events_ = 0;
  // A ring of capacity_events_ slots, reused so that recording allocates nothing once warm.
  std::vector<sim_event> ring_;
};

}  // namespace loopcheck::sim
