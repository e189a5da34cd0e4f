#pragma once
// The strategies a campaign explores runs with, as the command line names them: a scheduling
// strategy of the simulator (sim/strategy.hpp), or swarm testing (swarm.hpp) on top of random
// scheduling. (The coverage-guided search is a command of its own: guided_search.hpp.)
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loopcheck/sim/strategy.hpp"

namespace loopcheck::harness {

enum class exploration_strategy : std::uint8_t { fifo, random, pct, swarm };

struct exploration_plan {
  sim::strategy_kind scheduling = sim::strategy_kind::random;
  bool swarm = false;
};

inline exploration_plan plan_of(exploration_strategy strategy) {
  switch (strategy) {
    case exploration_strategy::fifo: return {sim::strategy_kind::fifo, false};
    case exploration_strategy::random: return {sim::strategy_kind::random, false};
    case exploration_strategy::pct: return {sim::strategy_kind::pct, false};
    case exploration_strategy::swarm: return {sim::strategy_kind::random, true};
  }
  return {};
}

// Every strategy by its command-line name.
inline const std::map<std::string, exploration_strategy>& exploration_strategy_names() {
  static const std::map<std::string, exploration_strategy> names{{"fifo", exploration_strategy::fifo},
                                                                 {"random", exploration_strategy::random},
                                                                 {"pct", exploration_strategy::pct},
                                                                 {"swarm", exploration_strategy::swarm}};
  return names;
}

// The names alone, for a command line's list of choices.
inline std::vector<std::string> exploration_strategy_name_list() {
  std::vector<std::string> list;
  for (const auto& entry : exploration_strategy_names()) list.push_back(entry.first);
  return list;
}

}  // namespace loopcheck::harness
