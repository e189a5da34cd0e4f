#pragma once
// Shared helpers for the simulator's tests.
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "loopcheck/sim/sim_context.hpp"

namespace sim_test {

namespace asio = boost::asio;
namespace sim = loopcheck::sim;

inline constexpr std::array all_strategies{sim::strategy_kind::fifo, sim::strategy_kind::random,
                                           sim::strategy_kind::pct};
inline constexpr std::array exploring_strategies{sim::strategy_kind::random, sim::strategy_kind::pct};

// How many seeds the runtime-on-simulator suites try under each strategy.
inline constexpr std::uint64_t seeds_per_strategy = 200;

inline sim::sim_options options_for(std::uint64_t seed, sim::strategy_kind strategy) {
  sim::sim_options options;
  options.seed = seed;
  options.strategy.kind = strategy;
  return options;
}

struct root_result {
  sim::run_outcome outcome;
  bool finished = false;     // the root coroutine ran to its end
  std::exception_ptr error;  // what it ended with
};

// The threads of this process now (Linux): a simulated run must start none.
inline std::size_t thread_count() {
  std::size_t threads = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++threads;
  return threads;
}

// Runs `body()` as an untracked root coroutine on `context` until the run ends.
template <typename Body>
root_result run_root(sim::sim_context& context, Body body) {
  root_result result;
  asio::co_spawn(context, body(), [&result](std::exception_ptr error) {
    result.finished = true;
    result.error = std::move(error);
  });
  result.outcome = context.run();
  return result;
}

// Runs `check(seed, strategy)` for seeds [0, seeds) of every exploring strategy, each labelled
// so a failure names the schedule to replay.
inline void for_each_schedule(std::uint64_t seeds, const std::function<void(std::uint64_t, sim::strategy_kind)>& check) {
  for (auto strategy : exploring_strategies) {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) { check(seed, strategy); }
    }
  }
}

// Gives every other ready handler a chance to run first: a scheduling point.
inline asio::awaitable<void> yield() {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::post(ex, asio::use_awaitable);
}

}  // namespace sim_test
