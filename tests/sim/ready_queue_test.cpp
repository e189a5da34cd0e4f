// The ready queue's index: "index i" is the i-th oldest handler still ready, whatever was taken
// before it and however the queue stores its slots (taken slots, compaction). Checked against a
// plain vector of the ready handlers' sequence numbers, under long mixed push/pick sequences.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

#include "loopcheck/sim/live_position_index.hpp"
#include "loopcheck/sim/ready_queue.hpp"
#include "loopcheck/sim/sim_random.hpp"

namespace sim = loopcheck::sim;

namespace {

// Pushes and picks at random (bursts of pushes, so the queue grows to hundreds of handlers and
// drains to empty again), half the picks by the strategy and half replayed by index, and checks
// every pick against the model. Returns the number of picks checked.
std::size_t check_against_model(sim::strategy_kind kind, std::uint64_t seed) {
  constexpr int operations = 4000;
  sim::ready_queue queue({.kind = kind}, seed);
  sim::sim_random dice(seed + 1);
  std::vector<std::uint64_t> model;  // sequence numbers of the ready handlers, oldest first
  std::uint64_t pushed = 0;
  std::uint64_t last_run = 0;
  std::size_t picks = 0;
  for (int op = 0; op < operations; ++op) {
    // Pushes outnumber picks in the first half, picks the pushes in the second: the queue
    // grows, then drains.
    const bool push = op < operations / 2 ? dice.below(3) != 0 : dice.below(3) == 0;
    if (push || model.empty()) {
      const std::uint64_t expected_sequence = ++pushed;
      const std::uint64_t sequence =
          queue.push(sim::ready_handler([&last_run, expected_sequence] { last_run = expected_sequence; }), 1);
      BOOST_TEST_REQUIRE(sequence == expected_sequence);
      model.push_back(sequence);
      continue;
    }
    const std::uint64_t wanted = dice.below(model.size() + 2);  // may exceed: clamped to the newest
    auto choice = dice.below(2) == 0 ? queue.pick(static_cast<std::uint64_t>(op)) : queue.pick_index(wanted);
    BOOST_TEST_REQUIRE(choice.ready_count == model.size());
    BOOST_TEST_REQUIRE(choice.index < model.size());
    BOOST_TEST_REQUIRE(choice.entry.sequence == model[choice.index]);
    std::move(choice.entry.handler)();
    BOOST_TEST_REQUIRE(last_run == choice.entry.sequence);  // the handler posted with that number
    model.erase(model.begin() + static_cast<std::ptrdiff_t>(choice.index));
    BOOST_TEST_REQUIRE(queue.size() == model.size());
    ++picks;
  }
  while (!queue.empty()) {
    BOOST_TEST_REQUIRE(queue.take_oldest().sequence == model.front());
    model.erase(model.begin());
  }
  BOOST_TEST(model.empty());
  return picks;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_ready_queue)

BOOST_AUTO_TEST_CASE(an_index_names_the_same_handler_as_in_a_plain_list) {
  for (const auto kind : {sim::strategy_kind::fifo, sim::strategy_kind::random, sim::strategy_kind::pct}) {
    for (std::uint64_t seed = 0; seed < 4; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << to_string(kind) << " seed " << seed) {
        BOOST_TEST(check_against_model(kind, seed) > 1000);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_live_index_selects_the_kth_live_position) {
  sim::live_position_index index;
  std::vector<std::size_t> live;
  sim::sim_random dice(7);
  for (int op = 0; op < 3000; ++op) {
    if (op == 1500) {  // as after a compaction: the survivors renumbered 0 .. n − 1
      index.reset(live.size());
      for (std::size_t i = 0; i < live.size(); ++i) live[i] = i;
    }
    if (live.empty() || dice.below(5) < 3) {
      live.push_back(index.append());
      BOOST_TEST_REQUIRE(live.back() + 1 == index.positions());
    } else {
      const std::size_t k = dice.below(live.size());
      BOOST_TEST_REQUIRE(index.select(k) == live[k]);
      index.erase(live[k]);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    }
    BOOST_TEST_REQUIRE(index.live() == live.size());
    if (!live.empty()) {
      BOOST_TEST_REQUIRE(index.select(0) == live.front());
      BOOST_TEST_REQUIRE(index.select(live.size() - 1) == live.back());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
