#include "loopcheck/runtime/task_scope.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
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

asio::awaitable<void> count_after_dispatch(int& n) {
  co_await asio::dispatch(asio::use_awaitable);  // runs inline: the task stays inside spawn()
  ++n;
}

// Spawns a task that finishes at once into its own scope, then counts.
asio::awaitable<void> spawn_and_count(loopcheck::task_scope& scope, int& n, std::vector<std::size_t>& live_after_spawn) {
  scope.spawn("child", cases::count_at_once(n));
  live_after_spawn.push_back(scope.live());
  ++n;
  co_return;
}

asio::awaitable<void> cancel_scope(loopcheck::task_scope& scope) {
  scope.cancel();
  co_return;
}

// An io_context's executor that refuses every handler, as an executor whose queue is full or
// whose allocation fails does: execute() throws.
class refusing_executor {
 public:
  explicit refusing_executor(asio::io_context& ctx) noexcept : ctx_(&ctx) {}

  template <typename Function>
  void execute(Function&&) const {
    throw std::runtime_error("the executor refused the task");
  }
  asio::execution_context& query(asio::execution::context_t) const noexcept { return *ctx_; }
  refusing_executor require(asio::execution::blocking_t::never_t) const noexcept { return *this; }

  friend bool operator==(const refusing_executor& a, const refusing_executor& b) noexcept { return a.ctx_ == b.ctx_; }
  friend bool operator!=(const refusing_executor& a, const refusing_executor& b) noexcept { return !(a == b); }

 private:
  asio::io_context* ctx_;
};

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

// co_spawn's entry point co_awaits once more after a task's body when the body never
// suspended, and that co_await threw operation_aborted out of run() for a task cancelled
// before it started (here by a sibling that runs first). A tracked task ends quietly: the
// cancellation is the scope's, not a failure.
BOOST_AUTO_TEST_CASE(a_task_cancelled_before_it_starts_ends_quietly) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  loopcheck::task_scope scope(ctx.get_executor(), "cancelled-early");
  scope.spawn("canceller", cancel_scope(scope));
  // Long enough to tell (were it to run, the test would take 2 s and see it append), short
  // enough that a regression fails instead of hanging.
  scope.spawn("never-started", cases::append_after(order, 1, 2s));
  bool joined = false;
  const auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    co_await scope.join();
    joined = true;
  });
  BOOST_TEST(!error);
  BOOST_TEST(joined);
  BOOST_TEST(order.empty());
  BOOST_TEST(scope.live() == 0u);
  BOOST_TEST(findings.size() == 0u);
}

// A task spawned from its context's thread starts inside spawn(), as with co_spawn; one that
// finishes there (at once, after a dispatch that ran inline, or after spawning and finishing a
// task of its own) still ends after spawn() returns, so no completion runs inside the caller.
BOOST_AUTO_TEST_CASE(a_task_that_finishes_inside_spawn_ends_after_spawn_returns) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  int ran = 0;
  std::vector<std::size_t> live_after_spawn;
  std::vector<int> ran_after_spawn;
  std::size_t findings_after_spawn = 99;
  const auto error = run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "instant");
    scope.spawn("no-suspension", cases::count_at_once(ran));
    live_after_spawn.push_back(scope.live());
    ran_after_spawn.push_back(ran);
    scope.spawn("inline-dispatch", count_after_dispatch(ran));
    live_after_spawn.push_back(scope.live());
    ran_after_spawn.push_back(ran);
    scope.spawn("parent", spawn_and_count(scope, ran, live_after_spawn));
    live_after_spawn.push_back(scope.live());
    ran_after_spawn.push_back(ran);
    loopcheck::spawn_detached(ctx.get_executor(), "fails-at-once", cases::fail_at_once());
    findings_after_spawn = findings.size();
    co_await scope.join();
  });
  BOOST_TEST(!error);
  // Each ran inside its spawn() (the parent with its child)...
  BOOST_TEST((ran_after_spawn == std::vector<int>{1, 2, 4}), boost::test_tools::per_element());
  // ...and none completed inside it, nested ones included.
  BOOST_TEST((live_after_spawn == std::vector<std::size_t>{1, 2, 4, 4}), boost::test_tools::per_element());
  BOOST_TEST(findings_after_spawn == 0u);
  const auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == loopcheck::finding_kind::unobserved_exception);
  BOOST_TEST(found[0].task_name == "fails-at-once");
}

// A launch that throws reaches the spawner and leaves nothing behind: no task in the scope or the
// registry (join() completes), no finding (the spawner holds the error).
BOOST_AUTO_TEST_CASE(a_launch_that_throws_leaves_no_record_and_no_finding) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  int ran = 0;
  loopcheck::task_scope scope(asio::any_io_executor(refusing_executor(ctx)), "refused");
  BOOST_CHECK_THROW(scope.spawn("refused", cases::count_at_once(ran)), std::runtime_error);
  BOOST_TEST(scope.live() == 0u);
  BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
  bool joined = false;
  const auto run = loopcheck::testing::run_root_for(ctx, 2s, [&]() -> asio::awaitable<void> {
    co_await scope.join();
    joined = true;
  });
  BOOST_TEST(run.completed);
  BOOST_TEST(joined);
  BOOST_TEST(ran == 0);
  BOOST_TEST(findings.size() == 0u);
}

// A scope and then its context destroyed before the task started: one finding, the scope's
// (its owner dropped it: a leak, whether or not the loop had got to start it), not also an
// orphan of the context for the same task.
BOOST_AUTO_TEST_CASE(a_task_that_never_started_is_reported_once) {
  loopcheck::scoped_finding_capture findings;
  std::vector<int> order;
  {
    asio::io_context ctx;
    loopcheck::task_scope scope(ctx.get_executor(), "abandoned");
    scope.spawn("never-started", cases::append_after(order, 1, 0ms));
  }
  BOOST_TEST(order.empty());
  const auto found = findings.snapshot();
  BOOST_TEST(found.size() == 1u);
  for (const auto& f : found) BOOST_TEST_MESSAGE(loopcheck::format(f));
  BOOST_TEST(findings.count(loopcheck::finding_kind::leaked_task) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
