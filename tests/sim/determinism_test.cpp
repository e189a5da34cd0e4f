// The same seed replays the same run; different seeds explore different interleavings.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "loopcheck/sim/event_log.hpp"

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

// A worker of a racy program: its steps land in a shared trace, separated by scheduling
// points of every kind (yield, zero sleep, timed sleep).
asio::awaitable<void> worker(std::string& trace, char name, int steps) {
  for (int step = 0; step < steps; ++step) {
    trace += name;
    switch (step % 3) {
      case 0: co_await sim_test::yield(); break;
      case 1: co_await loopcheck::sleep_for(0ms); break;
      case 2: co_await loopcheck::sleep_for(1ms); break;
    }
  }
}

struct racy_run {
  std::string trace;
  std::uint64_t hash = 0;
  std::uint64_t steps = 0;
  // Every event after "run.start": the schedule itself. The first event names the seed, so
  // runs that differ only there (the seed ignored) still hash differently.
  std::vector<std::string> schedule;
};

// The whole log as lines, but the first event, which names the seed.
std::vector<std::string> schedule_of(const sim::sim_context& context) {
  const auto events = context.events();
  // Kept whole: a log the ring had cut would compare only its tail.
  BOOST_REQUIRE(events.size() == context.total_events());
  BOOST_REQUIRE(!events.empty() && events.front().kind == "run.start");
  std::vector<std::string> schedule;
  for (auto event = events.begin() + 1; event != events.end(); ++event) {
    schedule.push_back(fmt::format("{} {} {}", event->time.count(), event->kind, event->detail));
  }
  return schedule;
}

racy_run run_racy_program(const sim::sim_options& options) {
  sim::sim_context context(options);
  racy_run run;
  const auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(context.get_executor(), "racers");
    for (char name : {'a', 'b', 'c', 'd'}) scope.spawn(std::string(1, name), worker(run.trace, name, 6));
    co_await scope.join();
  });
  BOOST_TEST(result.finished);
  BOOST_TEST(result.outcome.status == sim::run_status::completed);
  BOOST_TEST(result.outcome.event_hash == context.hash());
  run.hash = result.outcome.event_hash;
  run.steps = result.outcome.steps;
  run.schedule = schedule_of(context);
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_determinism)

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_run_across_many_seeds) {
  for (auto strategy : sim_test::all_strategies) {
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) {
        const auto first = run_racy_program(options_for(seed, strategy));
        const auto second = run_racy_program(options_for(seed, strategy));
        BOOST_TEST(first.hash == second.hash);
        BOOST_TEST(first.trace == second.trace);
        BOOST_TEST(first.steps == second.steps);
        BOOST_TEST(first.schedule == second.schedule, boost::test_tools::per_element());
        BOOST_TEST(first.trace.size() == 24u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(different_seeds_explore_different_interleavings) {
  for (auto strategy : sim_test::exploring_strategies) {
    BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy)) {
      std::set<std::string> traces;
      std::set<std::vector<std::string>> schedules;
      constexpr std::uint64_t seeds = 50;
      for (std::uint64_t seed = 0; seed < seeds; ++seed) {
        const auto run = run_racy_program(options_for(seed, strategy));
        traces.insert(run.trace);
        schedules.insert(run.schedule);
      }
      // Not the hashes: the seed is hashed into the first event, so they differ even when the
      // seed is ignored. Random: four workers of six steps have far more schedules than 50
      // seeds, so each seed has its own. PCT (depth 3, its horizon of 1000 steps far beyond this
      // run of 26): the change points mostly fall past its end, so a schedule is mostly fixed
      // by the four workers' initial priorities, 4! = 24 orders, and 50 seeds reach most of
      // them. A seeding that keeps only part of the seed shows as repeats.
      const std::size_t least_schedules = strategy == sim::strategy_kind::random ? seeds : 16;
      BOOST_TEST(schedules.size() >= least_schedules);
      BOOST_TEST(traces.size() >= 10u);
    }
  }
}

BOOST_AUTO_TEST_CASE(fifo_ignores_the_seed_for_scheduling) {
  const auto reference = run_racy_program(options_for(0, sim::strategy_kind::fifo));
  for (std::uint64_t seed = 1; seed < 20; ++seed) {
    BOOST_TEST(run_racy_program(options_for(seed, sim::strategy_kind::fifo)).trace == reference.trace);
  }
}

BOOST_AUTO_TEST_CASE(pct_depth_changes_the_explored_schedules) {
  std::set<std::string> depth_one;
  std::set<std::string> depth_three;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    auto options = options_for(seed, sim::strategy_kind::pct);
    options.strategy.pct_depth = 1;
    depth_one.insert(run_racy_program(options).trace);
    options.strategy.pct_depth = 3;
    options.strategy.pct_horizon_steps = 100;
    depth_three.insert(run_racy_program(options).trace);
  }
  // Depth 1 has no change points: a run is fixed by the initial priorities alone, so at most
  // as many schedules as orders of the four tasks' chains; change points add more.
  BOOST_TEST(depth_one.size() >= 2u);
  BOOST_TEST(depth_three.size() > depth_one.size());
}

BOOST_AUTO_TEST_CASE(event_log_keeps_the_last_events_but_hashes_all) {
  auto options = options_for(31, sim::strategy_kind::random);
  options.event_log_capacity_events = 8;
  sim::sim_context a(options);
  sim::sim_context b(options);
  a.record_event("fs.write", "file 'x' 0..512");
  b.record_event("fs.write", "file 'x' 0..511");
  for (int i = 0; i < 20; ++i) {
    a.record_event("fs.fsync", "file 'x'");
    b.record_event("fs.fsync", "file 'x'");
  }
  const auto events = a.events();
  BOOST_REQUIRE(events.size() == 8u);
  BOOST_TEST(a.total_events() == 22u);  // run.start + 21
  BOOST_TEST(events.back().index == 21u);
  BOOST_TEST(events.back().kind == "fs.fsync");
  BOOST_TEST(a.hash() != b.hash());  // the differing event is no longer displayed, but hashed
  for (std::size_t i = 0; i < events.size(); ++i) BOOST_TEST(events[i].detail == b.events()[i].detail);
}

BOOST_AUTO_TEST_CASE(event_details_are_formatted_when_read_across_the_ring) {
  // 200 events wrap a 150-slot ring that spans three 64-event chunks.
  auto options = options_for(5, sim::strategy_kind::fifo);
  options.event_log_capacity_events = 150;
  sim::sim_context context(options);
  for (std::uint64_t i = 0; i < 199; ++i) {
    context.record_eventf("t", "{} {} {} {}", i, -static_cast<std::int64_t>(i), i % 2 == 0, fmt::format("n{}", i));
  }
  const auto events = context.events();
  BOOST_REQUIRE(events.size() == 150u);
  BOOST_TEST(events.front().index == 50u);
  BOOST_TEST(events.front().detail == "49 -49 false n49");
  BOOST_TEST(events.back().detail == "198 -198 true n198");
}

BOOST_AUTO_TEST_CASE(an_event_argument_s_type_is_part_of_the_hash) {
  sim::event_log a(4);
  sim::event_log b(4);
  sim::event_log c(4);
  a.record(std::chrono::nanoseconds(0), "k", "{}", std::uint64_t{1});
  b.record(std::chrono::nanoseconds(0), "k", "{}", true);
  c.record(std::chrono::nanoseconds(0), "k", "{}", std::string_view("1"));
  BOOST_TEST(a.hash() != b.hash());
  BOOST_TEST(a.hash() != c.hash());
  BOOST_TEST(a.recent().front().detail == c.recent().front().detail);
  sim::event_log split(4);
  sim::event_log joined(4);
  split.record(std::chrono::nanoseconds(0), "k", "{}{}", std::string_view("ab"), std::string_view("c"));
  joined.record(std::chrono::nanoseconds(0), "k", "{}{}", std::string_view("a"), std::string_view("bc"));
  BOOST_TEST(split.hash() != joined.hash());
  BOOST_TEST(split.recent().front().detail == "abc");
}

BOOST_AUTO_TEST_SUITE_END()
