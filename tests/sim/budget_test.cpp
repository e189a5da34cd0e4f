// Budgets: a run that does not end within its steps or its virtual time is a hang.
#include <boost/test/unit_test.hpp>
#include <string>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;
using sim_test::options_for;

namespace {

asio::awaitable<void> spin_forever() {
  for (;;) co_await sim_test::yield();
}

asio::awaitable<void> poll_forever(std::chrono::nanoseconds period) {
  for (;;) co_await loopcheck::sleep_for(period);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_budget)

BOOST_AUTO_TEST_CASE(step_budget_ends_a_busy_loop_with_a_hang_finding) {
  for (auto strategy : sim_test::all_strategies) {
    auto options = options_for(21, strategy);
    options.budget_steps = 500;
    sim::sim_context context(options);
    loopcheck::spawn_detached(context.get_executor(), "spinner", spin_forever());
    const auto outcome = context.run();
    BOOST_TEST(outcome.status == sim::run_status::hang);
    BOOST_TEST(outcome.steps == 500u);
    BOOST_REQUIRE(outcome.failure.has_value());
    BOOST_TEST(outcome.failure->kind == finding_kind::hang);
    BOOST_TEST(outcome.failure->task_name == "spinner");
    BOOST_TEST(outcome.failure->message.find("step budget") != std::string::npos);
    BOOST_TEST(loopcheck::task_registry::of(context).findings()->count(finding_kind::hang) == 1u);
  }
}

BOOST_AUTO_TEST_CASE(virtual_time_budget_ends_a_polling_loop_with_a_hang_finding) {
  auto options = options_for(22, sim::strategy_kind::random);
  options.virtual_time_budget = 1min;
  sim::sim_context context(options);
  loopcheck::spawn_detached(context.get_executor(), "poller", poll_forever(7s));
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::hang);
  BOOST_TEST((outcome.virtual_time == 1min));
  BOOST_TEST(outcome.steps < 100u);  // ~9 wake-ups, a few handlers each
  BOOST_REQUIRE(outcome.failure.has_value());
  BOOST_TEST(outcome.failure->message.find("virtual time budget") != std::string::npos);
  BOOST_TEST(outcome.failure->message.find("waiting on a virtual timer due at t=63000000000ns") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_run_within_its_budgets_completes) {
  auto options = options_for(23, sim::strategy_kind::pct);
  options.budget_steps = 1000;
  options.virtual_time_budget = 1min;
  sim::sim_context context(options);
  loopcheck::spawn_detached(context.get_executor(), "napper", loopcheck::sleep_for(59s));
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST((outcome.virtual_time == 59s));
  BOOST_TEST(loopcheck::task_registry::of(context).findings()->size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
