// The runtime's task_scope behaviours hold on the simulator under every explored schedule.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "sim_test_support.hpp"
#include "tests/support/task_scope_cases.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;
using sim_test::options_for;
namespace cases = loopcheck::testing::task_scope_cases;

namespace {


// Runs a shared case as the root of a simulated run; returns the virtual time it ended at.
template <typename Case>
std::chrono::nanoseconds run_case(Case& c, std::uint64_t seed, sim::strategy_kind strategy) {
  loopcheck::scoped_finding_capture findings;
  sim::sim_context context(options_for(seed, strategy));
  const auto result = sim_test::run_root(context, [&] { return c.body(context.get_executor()); });
  BOOST_TEST(result.finished);
  BOOST_TEST(!result.error);
  BOOST_TEST(result.outcome.status == sim::run_status::completed);
  c.check(findings);
  return context.now();
}

void for_each_schedule(const std::function<void(std::uint64_t, sim::strategy_kind)>& check) {
  sim_test::for_each_schedule(sim_test::seeds_per_strategy, check);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(runtime_on_sim)

BOOST_AUTO_TEST_CASE(join_waits_for_every_task) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    cases::join_waits_for_every_task c;
    BOOST_TEST((run_case(c, seed, strategy) == 20ms));
  });
}

BOOST_AUTO_TEST_CASE(join_rethrows_the_first_failure_and_reports_the_rest) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    cases::join_rethrows_the_first_failure_and_reports_the_rest c;
    BOOST_TEST((run_case(c, seed, strategy) == 5ms));
  });
}

BOOST_AUTO_TEST_CASE(simultaneous_failures_rethrow_one_and_report_the_other) {
  // Both fail at the same virtual instant: which is "first" depends on the schedule, but
  // exactly one is rethrown and the other reported, whatever the seed.
  std::set<std::string> first_seen;
  for_each_schedule([&](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    sim::sim_context context(options_for(seed, strategy));
    std::string caught;
    sim_test::run_root(context, [&]() -> asio::awaitable<void> {
      loopcheck::task_scope scope(context.get_executor(), "racing-failures");
      scope.spawn("left", cases::fail_after(1ms, "left"));
      scope.spawn("right", cases::fail_after(1ms, "right"));
      try {
        co_await scope.join();
      } catch (const std::runtime_error& e) {
        caught = e.what();
      }
    });
    const auto found = findings.snapshot();
    BOOST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].kind == finding_kind::unobserved_exception);
    BOOST_TEST((caught == "left" || caught == "right"));
    BOOST_TEST(found[0].task_name != caught);
    first_seen.insert(caught);
  });
  BOOST_TEST(first_seen.size() == 2u);  // the simulator explored both orders
}

BOOST_AUTO_TEST_CASE(cancel_ends_tasks_and_join_completes_without_error) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    cases::cancel_ends_tasks_and_join_completes_without_error c;
    BOOST_TEST((run_case(c, seed, strategy) == 1ms));
  });
}

BOOST_AUTO_TEST_CASE(a_scope_destroyed_with_live_tasks_reports_each) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    cases::a_scope_destroyed_with_live_tasks_reports_each c;
    BOOST_TEST((run_case(c, seed, strategy) == 5ms));
  });
}

BOOST_AUTO_TEST_CASE(a_failure_in_an_unjoined_scope_is_reported) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    {
      sim::sim_context context(options_for(seed, strategy));
      loopcheck::task_scope scope(context.get_executor(), "never-joined");
      scope.spawn("failing", cases::fail_after(0ms, "disk full"));
      BOOST_TEST(context.run().status == sim::run_status::completed);
    }
    BOOST_TEST(findings.count(finding_kind::unobserved_exception) == 1u);
    BOOST_TEST(findings.size() == 1u);
  });
}

BOOST_AUTO_TEST_CASE(a_context_destroyed_mid_run_reports_its_suspended_tasks) {
  for_each_schedule([](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    {
      auto options = options_for(seed, strategy);
      options.virtual_time_budget = 1s;
      sim::sim_context context(options);
      loopcheck::spawn_detached(context.get_executor(), "pending-backup", loopcheck::sleep_for(1h));
      BOOST_TEST(context.run().status == sim::run_status::hang);
    }
    BOOST_TEST(findings.count(finding_kind::hang) == 1u);
    BOOST_TEST(findings.count(finding_kind::leaked_task) == 1u);
    BOOST_TEST(findings.size() == 2u);
  });
}

BOOST_AUTO_TEST_SUITE_END()
