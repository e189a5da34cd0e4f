// Fault points (BUGGIFY) and code probes.
#include <boost/test/unit_test.hpp>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/sim/fault_points.hpp"
#include "sim_test_support.hpp"

namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

const std::array<std::string, 4> sites{"disk.slow_fsync", "net.drop", "backup.short_write", "queue.stall"};

// Reaches every site `reach_count` times and probes whenever one fires.
sim::coverage_report exercise(sim::sim_context& context, int reach_count) {
  asio::post(context, [&context, reach_count] {
    const asio::any_io_executor ex = context.get_executor();
    for (int i = 0; i < reach_count; ++i) {
      for (const auto& site : sites) {
        if (sim::buggify(ex, site)) sim::probe(ex, "fired:" + site);
      }
    }
    sim::probe(ex, "done");
  });
  context.run();
  return context.coverage();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_fault_points)

BOOST_AUTO_TEST_CASE(real_contexts_never_fire_and_ignore_probes) {
  asio::io_context real;
  const asio::any_io_executor ex = real.get_executor();
  for (int i = 0; i < 1000; ++i) {
    BOOST_TEST(!sim::buggify(ex, "disk.slow_fsync"));
    sim::probe(ex, "rare.path");
  }
  BOOST_TEST(!asio::has_service<sim::fault_points>(real));
}

// A site's name goes on replay tapes ('+' and ',' separate their entries): a name a tape
// cannot hold is refused where it is first reached, and a good one is not.
BOOST_AUTO_TEST_CASE(a_site_name_a_replay_tape_cannot_hold_is_refused) {
  sim::sim_context context(options_for(1, sim::strategy_kind::random));
  const asio::any_io_executor ex = context.get_executor();
  for (const char* bad : {"disk+fsync", "net,drop", "", "queue stall"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_CHECK_THROW(sim::buggify(ex, bad), std::invalid_argument); }
  }
  BOOST_CHECK_NO_THROW(sim::buggify(ex, "disk.slow_fsync-2"));
}

BOOST_AUTO_TEST_CASE(coverage_is_deterministic_per_seed) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      sim::sim_context first(options_for(seed, sim::strategy_kind::random));
      sim::sim_context second(options_for(seed, sim::strategy_kind::random));
      const auto a = exercise(first, 40);
      const auto b = exercise(second, 40);
      BOOST_TEST(first.hash() == second.hash());
      BOOST_REQUIRE(a.fault_sites.size() == sites.size());
      for (const auto& [site, stats] : a.fault_sites) {
        const auto& other = b.fault_sites.at(site);
        BOOST_TEST(stats.reached == 40u);
        BOOST_TEST(stats.active == other.active);
        BOOST_TEST(stats.fired == other.fired);
        if (!stats.active) BOOST_TEST(stats.fired == 0u);
        const auto probe = a.probes.find("fired:" + site);
        BOOST_TEST((probe == a.probes.end() ? 0u : probe->second) == stats.fired);
      }
      BOOST_TEST(a.probes.at("done") == 1u);
      BOOST_TEST((a.probes == b.probes));
    }
  }
}

BOOST_AUTO_TEST_CASE(activation_and_firing_rates_match_p_over_many_seeds) {
  constexpr std::uint64_t seeds = 2000;
  constexpr int reach_count = 100;
  std::uint64_t site_runs = 0;
  std::uint64_t active_runs = 0;
  std::uint64_t reached_while_active = 0;
  std::uint64_t fired = 0;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    sim::sim_context context(options_for(seed, sim::strategy_kind::fifo));
    for (const auto& [site, stats] : exercise(context, reach_count).fault_sites) {
      ++site_runs;
      if (!stats.active) continue;
      ++active_runs;
      reached_while_active += stats.reached;
      fired += stats.fired;
    }
  }
  const double active_rate = static_cast<double>(active_runs) / static_cast<double>(site_runs);
  const double fire_rate = static_cast<double>(fired) / static_cast<double>(reached_while_active);
  // 8000 site-runs: the activation rate's standard error is ~0.005; ~200k reaches while active.
  BOOST_TEST(std::abs(active_rate - sim::fault_site_activation_probability) < 0.03);
  BOOST_TEST(std::abs(fire_rate - sim::fault_site_fire_probability) < 0.01);
}

BOOST_AUTO_TEST_CASE(different_seeds_activate_different_sites) {
  std::set<std::string> activation_patterns;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    sim::sim_context context(options_for(seed, sim::strategy_kind::fifo));
    std::string pattern;
    for (const auto& [site, stats] : exercise(context, 1).fault_sites) pattern += stats.active ? '1' : '0';
    activation_patterns.insert(pattern);
  }
  BOOST_TEST(activation_patterns.size() >= 6u);  // of 16 possible for four sites
}

// A guided search runs a new probe's handler earlier: it needs the step of each hit, the step
// the handler that hit it ran as, and a bounded record however often a probe is hit.
BOOST_AUTO_TEST_CASE(each_probe_hit_is_recorded_with_its_step_up_to_a_limit) {
  sim::sim_context context(options_for(1, sim::strategy_kind::fifo));
  const asio::any_io_executor ex = context.get_executor();
  asio::post(context, [&] { sim::probe(ex, "rare.first"); });
  asio::post(context, [] {});
  asio::post(context, [&] {
    for (std::size_t i = 0; i < 2 * sim::fault_points::max_recorded_probe_hits; ++i) sim::probe(ex, "rare.often");
    sim::probe(ex, "rare.first");
  });
  context.run();
  const auto& steps = context.faults().probe_steps();
  BOOST_TEST_REQUIRE(steps.size() == 2u);
  BOOST_TEST((steps.at("rare.first") == std::vector<std::uint64_t>{0, 2}));
  BOOST_TEST(steps.at("rare.often").size() == sim::fault_points::max_recorded_probe_hits);
  BOOST_TEST(steps.at("rare.often").front() == 2u);
  BOOST_TEST(context.coverage().probes.at("rare.often") == 2 * sim::fault_points::max_recorded_probe_hits);
}

BOOST_AUTO_TEST_SUITE_END()
