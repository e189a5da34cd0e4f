#include "loopcheck/sim/strategy.hpp"

namespace loopcheck::sim {

std::string_view to_string(strategy_kind kind) {
  switch (kind) {
    case strategy_kind::fifo: return "fifo";
    case strategy_kind::random: return "random";
    case strategy_kind::pct: return "pct";
  }
  return "unknown";
}

std::optional<strategy_kind> parse_strategy(std::string_view name) {
  for (auto kind : {strategy_kind::fifo, strategy_kind::random, strategy_kind::pct}) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace loopcheck::sim
