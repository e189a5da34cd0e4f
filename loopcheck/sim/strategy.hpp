#pragma once
// Scheduling strategies: how the simulator picks the next ready handler.
#include <cstdint>
#include <optional>
#include <string_view>

namespace loopcheck::sim {

enum class strategy_kind : std::uint8_t {
  fifo,    // oldest ready handler first: what a single-threaded io_context does
  random,  // uniform choice among the ready handlers
  pct,     // probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010)
};

std::string_view to_string(strategy_kind kind);
std::optional<strategy_kind> parse_strategy(std::string_view name);

struct strategy_options {
  strategy_kind kind = strategy_kind::random;
  // PCT's d: the bug depth targeted. d − 1 priority-change points are placed among the first
  // pct_horizon_steps steps (PCT's k, an estimate of the run's length in steps).
  std::uint32_t pct_depth = 3;
  std::uint64_t pct_horizon_steps = 1000;
};

}  // namespace loopcheck::sim
