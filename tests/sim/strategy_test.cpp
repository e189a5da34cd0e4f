// The ready queue's strategies, driven directly, and the random source under them.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstdint>
#include <vector>

#include "loopcheck/sim/ready_queue.hpp"
#include "loopcheck/sim/sim_random.hpp"

namespace sim = loopcheck::sim;

namespace {

struct pick_record {
  std::uint64_t sequence;
  std::uint64_t chain;
};

// Pushes one handler per entry of `chains` (in order), then picks until the queue is empty.
std::vector<pick_record> drain(const sim::strategy_options& options, std::uint64_t seed,
                               const std::vector<std::uint64_t>& chains) {
  sim::ready_queue queue(options, seed);
  int ran = 0;
  for (const auto chain : chains) queue.push(sim::ready_handler([&ran] { ++ran; }), chain);
  std::vector<pick_record> picks;
  for (std::uint64_t step = 0; !queue.empty(); ++step) {
    auto choice = queue.pick(step);
    picks.push_back({choice.entry.sequence, choice.entry.chain});
    std::move(choice.entry.handler)();
  }
  BOOST_TEST(ran == static_cast<int>(chains.size()));
  return picks;
}

const std::vector<std::uint64_t> three_interleaved_chains{1, 2, 3, 1, 2, 3, 1, 2, 3};

// True when the handlers of each chain were picked in post order.
bool chains_keep_post_order(const std::vector<pick_record>& picks) {
  for (std::size_t i = 0; i < picks.size(); ++i) {
    for (std::size_t j = i + 1; j < picks.size(); ++j) {
      if (picks[i].chain == picks[j].chain && picks[i].sequence > picks[j].sequence) return false;
    }
  }
  return true;
}

std::size_t distinct_count(std::vector<std::vector<std::uint64_t>> orders) {
  std::sort(orders.begin(), orders.end());
  return static_cast<std::size_t>(std::unique(orders.begin(), orders.end()) - orders.begin());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_strategy)

BOOST_AUTO_TEST_CASE(fifo_picks_in_post_order) {
  const auto picks = drain({.kind = sim::strategy_kind::fifo}, 0, three_interleaved_chains);
  for (std::size_t i = 0; i < picks.size(); ++i) BOOST_TEST(picks[i].sequence == i + 1);
}

BOOST_AUTO_TEST_CASE(random_picks_every_handler_once_in_seed_dependent_orders) {
  std::vector<std::vector<std::uint64_t>> orders;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<std::uint64_t> order;
    for (const auto& p : drain({.kind = sim::strategy_kind::random}, seed, three_interleaved_chains)) order.push_back(p.sequence);
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    BOOST_TEST((sorted == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    orders.push_back(order);
  }
  BOOST_TEST(distinct_count(orders) >= 15u);
}

BOOST_AUTO_TEST_CASE(pct_depth_one_runs_whole_chains_by_priority) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto picks = drain({.kind = sim::strategy_kind::pct, .pct_depth = 1}, seed, three_interleaved_chains);
    BOOST_TEST(chains_keep_post_order(picks));
    // No change points: the first chain picked keeps the top priority until it is exhausted.
    for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(picks[i].chain == picks[0].chain);
    for (std::size_t i = 3; i < 6; ++i) BOOST_TEST(picks[i].chain == picks[3].chain);
  }
}

BOOST_AUTO_TEST_CASE(pct_change_point_demotes_the_running_chain) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    // Depth 2 over a horizon of one step: the single change point is step 0, so the chain
    // picked first drops below the others and its remaining handlers run last.
    const auto picks =
        drain({.kind = sim::strategy_kind::pct, .pct_depth = 2, .pct_horizon_steps = 1}, seed, three_interleaved_chains);
    BOOST_TEST(chains_keep_post_order(picks));
    BOOST_TEST(picks[7].chain == picks[0].chain);
    BOOST_TEST(picks[8].chain == picks[0].chain);
    BOOST_TEST(picks[1].chain != picks[0].chain);
  }
}

BOOST_AUTO_TEST_CASE(handlers_without_a_task_are_chains_of_their_own) {
  std::vector<std::vector<std::uint64_t>> orders;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<std::uint64_t> order;
    const std::vector<std::uint64_t> no_chains(6, sim::no_chain);
    for (const auto& p : drain({.kind = sim::strategy_kind::pct, .pct_depth = 1}, seed, no_chains)) order.push_back(p.sequence);
    orders.push_back(order);
  }
  BOOST_TEST(distinct_count(orders) >= 10u);  // each has its own priority
}

BOOST_AUTO_TEST_CASE(sim_random_is_seeded_bounded_and_roughly_uniform) {
  sim::sim_random a(7);
  sim::sim_random b(7);
  sim::sim_random c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    BOOST_TEST(x == b.next());
    differs = differs || x != c.next();
  }
  BOOST_TEST(differs);
  std::array<int, 6> counts{};
  constexpr int draws = 60'000;
  for (int i = 0; i < draws; ++i) ++counts.at(a.below(counts.size()));
  for (int count : counts) BOOST_TEST(std::abs(count - draws / 6) < draws / 60);  // within 10%
  int hits = 0;
  for (int i = 0; i < draws; ++i) hits += a.chance(0.25) ? 1 : 0;
  BOOST_TEST(std::abs(hits - draws / 4) < draws / 100);
}

BOOST_AUTO_TEST_CASE(strategy_names_round_trip) {
  for (auto kind : {sim::strategy_kind::fifo, sim::strategy_kind::random, sim::strategy_kind::pct}) {
    BOOST_TEST((sim::parse_strategy(sim::to_string(kind)) == kind));
  }
  BOOST_TEST(!sim::parse_strategy("lifo").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
