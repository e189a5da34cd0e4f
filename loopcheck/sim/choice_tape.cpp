#include "loopcheck/sim/choice_tape.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "loopcheck/sim/parse_number.hpp"

namespace loopcheck::sim {

std::uint64_t choice_tape::index_at(std::uint64_t step) const {
  const auto it = std::lower_bound(schedule.begin(), schedule.end(), schedule_choice{step, 0});
  return it != schedule.end() && it->step == step ? it->index : 0;
}

bool choice_tape::fires(std::string_view site, std::uint64_t reach) const {
  return std::any_of(faults.begin(), faults.end(), [&](const fault_choice& f) { return f.site == site && f.reach == reach; });
}

bool choice_tape::mentions(std::string_view site) const {
  return std::any_of(faults.begin(), faults.end(), [&](const fault_choice& f) { return f.site == site; });
}

bool is_valid_fault_site_name(std::string_view site) {
  return !site.empty() && std::all_of(site.begin(), site.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

std::string to_string(const choice_tape& tape) {
  std::string text;
  for (const auto& s : tape.schedule) text += fmt::format("{}s{}.{}", text.empty() ? "" : "+", s.step, s.index);
  for (const auto& f : tape.faults) text += fmt::format("{}f{}.{}", text.empty() ? "" : "+", f.reach, f.site);
  return text;
}

std::optional<choice_tape> parse_choice_tape(std::string_view text, std::string& error) {
  choice_tape tape;
  if (text.ends_with('+')) {
    error = "a tape's last choice is followed by '+'";
    return std::nullopt;
  }
  // Bounded by the text: each round consumes one entry and its separator.
  while (!text.empty()) {
    const auto plus = text.find('+');
    const std::string_view entry = text.substr(0, plus);
    text = plus == std::string_view::npos ? std::string_view() : text.substr(plus + 1);
    const auto dot = entry.find('.');
    std::uint64_t first = 0;
    if (entry.size() < 4 || dot == std::string_view::npos || !parse_whole_number(entry.substr(1, dot - 1), first)) {
      error = fmt::format("choice '{}' is not s<step>.<index> or f<reach>.<site>", entry);
      return std::nullopt;
    }
    const std::string_view rest = entry.substr(dot + 1);
    if (entry[0] == 's') {
      std::uint64_t index = 0;
      if (!parse_whole_number(rest, index) || index == 0) {
        error = fmt::format("scheduling choice '{}' needs a positive index after the step", entry);
        return std::nullopt;
      }
      if (!tape.schedule.empty() && tape.schedule.back().step >= first) {
        error = fmt::format("scheduling choice '{}' is out of step order", entry);
        return std::nullopt;
      }
      tape.schedule.push_back({first, index});
    } else if (entry[0] == 'f') {
      if (first == 0 || !is_valid_fault_site_name(rest)) {
        error = fmt::format("fault choice '{}' needs a reach from 1 and a site name of letters, digits, '.', '-', '_'",
                            entry);
        return std::nullopt;
      }
      tape.faults.push_back({std::string(rest), first});
    } else {
      error = fmt::format("choice '{}' is not s<step>.<index> or f<reach>.<site>", entry);
      return std::nullopt;
    }
  }
  return tape;
}

}  // namespace loopcheck::sim
