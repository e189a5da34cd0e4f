#include "loopcheck/runtime/task_scope.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "tests/support/run_root.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using loopcheck::finding_kind;

namespace {

asio::awaitable<void> append_after(std::vector<int>& out, int value, std::chrono::milliseconds delay) {
  co_await loopcheck::sleep_for(delay);
  out.push_back(value);
}

asio::awaitable<void> fail_after(std::chrono::milliseconds delay, const char* what) {
  co_await loopcheck::sleep_for(delay);
  throw std::runtime_error(what);
}

}  // namespace

using loopcheck::testing::run_root;

BOOST_AUTO_TEST_SUITE(task_scope)

BOOST_AUTO_TEST_CASE(join_waits_for_every_task) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "writers");
    scope.spawn("slow", append_after(order, 2, 20ms));
    scope.spawn("fast", append_after(order, 1, 1ms));
    BOOST_TEST(scope.live() == 2u);
    co_await scope.join();
    BOOST_TEST(scope.live() == 0u);
  });
  BOOST_TEST(!error);
  BOOST_TEST((order == std::vector<int>{1, 2}));
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(join_rethrows_first_failure_and_reports_the_rest) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::string caught;
  auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "failing");
    scope.spawn("first", fail_after(1ms, "first failure"));
    scope.spawn("second", fail_after(5ms, "second failure"));
    try {
      co_await scope.join();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  BOOST_TEST(!error);
  BOOST_TEST(caught == "first failure");
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::unobserved_exception);
  BOOST_TEST(found[0].task_name == "second");
  BOOST_TEST(found[0].message.find("second failure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cancel_ends_tasks_and_join_completes_without_error) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  const auto started = std::chrono::steady_clock::now();
  auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "sleepers");
    scope.spawn("sleeper-1", append_after(order, 1, 1h));
    scope.spawn("sleeper-2", append_after(order, 2, 1h));
    co_await loopcheck::sleep_for(1ms);
    scope.cancel();
    co_await scope.join();
  });
  BOOST_TEST(!error);
  BOOST_TEST(order.empty());
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(spawn_after_join_is_an_error) {
  asio::io_context ctx;
  std::vector<int> order;
  bool threw = false;
  auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "closed");
    co_await scope.join();
    try {
      scope.spawn("late", append_after(order, 1, 1ms));
    } catch (const loopcheck::scope_closed_error& e) {
      threw = std::string(e.what()).find("late") != std::string::npos;
    }
  });
  BOOST_TEST(!error);
  BOOST_TEST(threw);
}

BOOST_AUTO_TEST_CASE(destroying_a_scope_with_live_tasks_reports_each) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  {
    loopcheck::task_scope scope(ctx.get_executor(), "abandoned");
    scope.spawn("orphaned-writer", append_after(order, 1, 1h));
    scope.spawn("other-writer", append_after(order, 2, 1h));
    ctx.run_for(5ms);
  }
  ctx.run();  // the destroyed scope cancelled its tasks: they end promptly
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 2u);
  for (const auto& f : found) {
    BOOST_TEST(f.kind == finding_kind::leaked_task);
    BOOST_TEST(f.message.find("abandoned") != std::string::npos);
  }
  BOOST_TEST(order.empty());
}

BOOST_AUTO_TEST_CASE(spawn_before_the_loop_runs_is_queued_not_lost) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  loopcheck::task_scope scope(ctx.get_executor(), "early");
  scope.spawn("before-run", append_after(order, 7, 0ms));
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
