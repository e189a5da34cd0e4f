#pragma once
// A simulated run's random choices, recorded (Hypothesis's choice sequence): the scheduling
// picks that were not the oldest ready handler, and the fault points that fired. Replaying a
// tape instead of the seed's dice takes the oldest ready handler and fires no fault point
// except where the tape says otherwise, so a tape recorded from a run replays that run, and a
// tape with entries removed is a simpler run — what shrinking searches for.
//
// Text form (used in replay tokens): entries joined by '+'; `s<step>.<index>` picks the
// index-th oldest ready handler at that step, `f<reach>.<site>` fires a fault site the
// reach-th time it is reached. "" is the empty tape: first-in first-out, no faults.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loopcheck::sim {

struct schedule_choice {
  std::uint64_t step = 0;   // the step (0-based) at which ...
  std::uint64_t index = 0;  // ... the index-th oldest ready handler runs; never 0 on a tape
  auto operator<=>(const schedule_choice&) const = default;
};

struct fault_choice {
  std::string site;
  std::uint64_t reach = 0;  // fires the reach-th time (1-based) the site is reached
  auto operator<=>(const fault_choice&) const = default;
};

struct choice_tape {
  std::vector<schedule_choice> schedule;  // ascending steps
  std::vector<fault_choice> faults;       // in the order they fired

  bool empty() const { return schedule.empty() && faults.empty(); }
  bool operator==(const choice_tape&) const = default;

  // The index to run at `step`: the tape's choice, else 0 (the oldest).
  std::uint64_t index_at(std::uint64_t step) const;
  bool fires(std::string_view site, std::uint64_t reach) const;
  bool mentions(std::string_view site) const;
};

// Fault-site names on a tape: letters, digits, '.', '-' and '_' only.
bool is_valid_fault_site_name(std::string_view site);

std::string to_string(const choice_tape& tape);
// Nullopt (and `error` set) for text that is not a tape.
std::optional<choice_tape> parse_choice_tape(std::string_view text, std::string& error);

}  // namespace loopcheck::sim
