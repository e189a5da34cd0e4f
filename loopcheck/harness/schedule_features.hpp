#pragma once
// Scheduling features of a simulated run, for a guided search's feedback (AFL's edge counts,
// applied to the simulator's event log): how often each event kind followed each other kind.
// Fault-point and probe events are keyed with their detail ("buggify:site fired"), so a fault
// firing between two other events is a feature of its own. Only the events the log keeps for
// display are seen (sim_options::event_log_capacity_events, the most recent ones).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loopcheck/sim/event_log.hpp"

namespace loopcheck::harness {

// Adds one count per consecutive pair of `events` to `features` ("prev>next" → count).
void add_schedule_features(const std::vector<sim::sim_event>& events, std::map<std::string, std::uint64_t>& features);

// AFL's hit-count classes: 1, 2, 3, 4–7, 8–15, 16–31, 32–127, 128+ → 1..8 (0 for none). A
// run that changes a count by a little is not new; one that moves it to another class is.
std::uint8_t hit_count_class(std::uint64_t count);

}  // namespace loopcheck::harness
