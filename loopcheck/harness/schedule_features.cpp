#include "loopcheck/harness/schedule_features.hpp"

namespace loopcheck::harness {

namespace {
std::string event_key(const sim::sim_event& event) {
  if (event.kind == "buggify" || event.kind == "probe") return event.kind + ":" + event.detail;
  return event.kind;
}
}  // namespace

void add_schedule_features(const std::vector<sim::sim_event>& events, std::map<std::string, std::uint64_t>& features) {
  std::string previous = "begin";
  for (const auto& event : events) {
    std::string key = event_key(event);
    ++features[previous + ">" + key];
    previous = std::move(key);
  }
}

std::uint8_t hit_count_class(std::uint64_t count) {
  constexpr std::uint64_t class_floors[] = {1, 2, 3, 4, 8, 16, 32, 128};
  std::uint8_t found = 0;
  for (std::uint8_t c = 0; c < std::size(class_floors); ++c) {
    if (count >= class_floors[c]) found = c + 1;
  }
  return found;
}

}  // namespace loopcheck::harness
