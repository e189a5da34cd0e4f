#include "loopcheck/runtime/task_scope.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "tests/support/run_root.hpp"
#include "tests/support/task_scope_cases.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace cases = loopcheck::testing::task_scope_cases;
using loopcheck::testing::run_root;

namespace {

// Runs a shared case as the root of a real io_context; returns the real time it took.
template <typename Case>
std::chrono::steady_clock::duration run_case(Case& c, const loopcheck::findings_log& findings) {
  asio::io_context ctx;
  const auto started = std::chrono::steady_clock::now();
  const auto error = run_root(ctx, [&] { return c.body(ctx.get_executor()); });
  BOOST_TEST(!error);
  c.check(findings);
  return std::chrono::steady_clock::now() - started;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(task_scope)

BOOST_AUTO_TEST_CASE(join_waits_for_every_task) {
  loopcheck::scoped_finding_capture findings;
  cases::join_waits_for_every_task c;
  run_case(c, findings);
}

BOOST_AUTO_TEST_CASE(join_rethrows_first_failure_and_reports_the_rest) {
  loopcheck::scoped_finding_capture findings;
  cases::join_rethrows_the_first_failure_and_reports_the_rest c;
  run_case(c, findings);
}

BOOST_AUTO_TEST_CASE(cancel_ends_tasks_and_join_completes_without_error) {
  loopcheck::scoped_finding_capture findings;
  cases::cancel_ends_tasks_and_join_completes_without_error c;
  BOOST_TEST((run_case(c, findings) < 10s));  // the hour-long sleeps were cancelled
}

BOOST_AUTO_TEST_CASE(spawn_after_join_is_an_error) {
  asio::io_context ctx;
  std::vector<int> order;
  bool threw = false;
  auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "closed");
    co_await scope.join();
    try {
      scope.spawn("late", cases::append_after(order, 1, 1ms));
    } catch (const loopcheck::scope_closed_error& e) {
      threw = std::string(e.what()).find("late") != std::string::npos;
    }
  });
  BOOST_TEST(!error);
  BOOST_TEST(threw);
}

BOOST_AUTO_TEST_CASE(destroying_a_scope_with_live_tasks_reports_each) {
  loopcheck::scoped_finding_capture findings;
  cases::a_scope_destroyed_with_live_tasks_reports_each c;
  BOOST_TEST((run_case(c, findings) < 10s));  // the destroyed scope cancelled its tasks
}

BOOST_AUTO_TEST_CASE(spawn_before_the_loop_runs_is_queued_not_lost) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  loopcheck::task_scope scope(ctx.get_executor(), "early");
  scope.spawn("before-run", cases::append_after(order, 7, 0ms));
  BOOST_TEST(order.empty());
  auto snapshot = loopcheck::task_registry::of(ctx).snapshot();
  BOOST_REQUIRE(snapshot.size() == 1u);
  BOOST_TEST(snapshot[0].state == loopcheck::task_state::scheduled);
  ctx.run();
  BOOST_TEST((order == std::vector<int>{7}));
  BOOST_TEST(scope.live() == 0u);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
