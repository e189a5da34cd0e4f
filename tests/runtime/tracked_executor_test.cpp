// A tracked task's executor: no allocation of its own, but every property Asio asks of an
// executor must still hold (work tracking, blocking, relationship), on io_context's fast path
// and on the generic path (any other executor, here a strand), and recycled task records must
// behave as fresh ones.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "tests/support/run_root.hpp"
#include "tests/support/task_scope_cases.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace cases = loopcheck::testing::task_scope_cases;

namespace {

// Keeps a work-tracking copy of its own executor after it ends.
asio::awaitable<void> keep_work(std::optional<asio::any_io_executor>& guard) {
  auto ex = co_await asio::this_coro::executor;
  guard.emplace(asio::prefer(ex, asio::execution::outstanding_work.tracked));
}

asio::awaitable<void> wait_for_notify(std::shared_ptr<loopcheck::waiter_list> list, bool& woke) {
  const auto seen = list->epoch();
  co_await list->async_wait(seen, asio::use_awaitable);
  woke = true;
}

asio::awaitable<void> post_and_dispatch(std::vector<const char*>& order) {
  auto ex = co_await asio::this_coro::executor;
  asio::post(ex, [&order] { order.push_back("posted"); });
  asio::dispatch(ex, [&order] { order.push_back("dispatched"); });
  order.push_back("after both");
  co_await loopcheck::sleep_for(0ms);
}

asio::awaitable<void> compare_executors(bool& same_equal, bool& never_differs, bool& untracked_is_inner) {
  auto ex = co_await asio::this_coro::executor;
  const asio::any_io_executor copy = ex;
  same_equal = copy == ex;
  never_differs = asio::require(ex, asio::execution::blocking.never) != ex;
  untracked_is_inner = loopcheck::untracked(ex).target<asio::io_context::executor_type>() != nullptr;
}

asio::awaitable<void> sleep_then_count(std::chrono::milliseconds d, int& done) {
  co_await loopcheck::sleep_for(d);
  ++done;
}

// Several rounds on one context, so later rounds run in recycled records whose signals still
// hold the previous tasks' cancellation handlers.
asio::awaitable<void> cancel_rounds(asio::io_context& ctx, int& slept, int& counted) {
  for (int round = 0; round < 3; ++round) {
    loopcheck::task_scope quick(ctx.get_executor(), "quick");
    for (int i = 0; i < 8; ++i) quick.spawn("count", cases::count_at_once(counted));
    co_await quick.join();
    loopcheck::task_scope sleepers(ctx.get_executor(), "sleepers");
    for (int i = 0; i < 4; ++i) sleepers.spawn("sleeper", sleep_then_count(1h, slept));
    co_await loopcheck::sleep_for(1ms);
    sleepers.cancel();
    co_await sleepers.join();
  }
}

// Builds a strand and a timer from the task's own executor and hands them out, as code that
// keeps a connection or a periodic job beyond the task that set it up does.
asio::awaitable<void> build_from_own_executor(std::optional<asio::strand<asio::any_io_executor>>& strand,
                                              std::optional<asio::steady_timer>& timer) {
  const auto ex = co_await asio::this_coro::executor;
  strand.emplace(ex);
  timer.emplace(ex);
  co_return;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tracked_executor)

BOOST_AUTO_TEST_CASE(a_work_tracking_copy_keeps_the_context_running_after_the_task_ends) {
  for (const bool on_strand : {false, true}) {
    asio::io_context ctx;
    const asio::any_io_executor ex = on_strand ? asio::any_io_executor(asio::make_strand(ctx)) : ctx.get_executor();
    std::optional<asio::any_io_executor> guard;
    loopcheck::spawn_detached(ex, "keeper", keep_work(guard));
    ctx.run_for(20ms);
    BOOST_TEST(!ctx.stopped(), "on_strand=" << on_strand);
    BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
    guard.reset();
    const auto started = std::chrono::steady_clock::now();
    ctx.run_for(10s);  // no work left: returns at once
    BOOST_TEST(ctx.stopped(), "on_strand=" << on_strand);
    BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
  }
}

BOOST_AUTO_TEST_CASE(a_task_parked_outside_asio_queues_keeps_its_context_running) {
  for (const bool on_strand : {false, true}) {
    asio::io_context ctx;
    const asio::any_io_executor ex = on_strand ? asio::any_io_executor(asio::make_strand(ctx)) : ctx.get_executor();
    auto list = std::make_shared<loopcheck::waiter_list>(ex, "a test condition");
    bool woke = false;
    loopcheck::spawn_detached(ex, "parked", wait_for_notify(list, woke));
    ctx.run_for(20ms);
    BOOST_TEST(!ctx.stopped(), "on_strand=" << on_strand);
    BOOST_TEST(!woke);
    list->notify_all();
    ctx.run_for(10s);
    BOOST_TEST(woke, "on_strand=" << on_strand);
    BOOST_TEST(ctx.stopped());
  }
}

BOOST_AUTO_TEST_CASE(post_never_runs_inline_and_dispatch_does) {
  for (const bool on_strand : {false, true}) {
    asio::io_context ctx;
    const asio::any_io_executor ex = on_strand ? asio::any_io_executor(asio::make_strand(ctx)) : ctx.get_executor();
    std::vector<const char*> order;
    loopcheck::spawn_detached(ex, "poster", post_and_dispatch(order));
    ctx.run();
    BOOST_TEST_REQUIRE(order.size() == 3u, "on_strand=" << on_strand);
    BOOST_TEST(order[0] == "dispatched");
    BOOST_TEST(order[1] == "after both");
    BOOST_TEST(order[2] == "posted");
  }
}

BOOST_AUTO_TEST_CASE(executors_compare_by_task_and_properties) {
  asio::io_context ctx;
  bool same_equal = false, never_differs = false, untracked_is_inner = false;
  loopcheck::spawn_detached(ctx.get_executor(), "comparer", compare_executors(same_equal, never_differs, untracked_is_inner));
  ctx.run();
  BOOST_TEST(same_equal);
  BOOST_TEST(never_differs);
  BOOST_TEST(untracked_is_inner);
}

BOOST_AUTO_TEST_CASE(cancel_reaches_tasks_in_recycled_records) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  int slept = 0, counted = 0;
  const auto started = std::chrono::steady_clock::now();
  auto error = loopcheck::testing::run_root(ctx, [&] { return cancel_rounds(ctx, slept, counted); });
  BOOST_TEST(!error);
  BOOST_TEST(counted == 3 * 8);
  BOOST_TEST(slept == 0);
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
  BOOST_TEST(findings.size() == 0u);
  BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_finished_task_kept_for_join_is_no_longer_live) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  loopcheck::task_scope scope(ctx.get_executor(), "failing");
  scope.spawn("thrower", cases::fail_at_once());
  ctx.run();
  // The scope holds the failed task's record for join(); the registry no longer lists it.
  BOOST_TEST(loopcheck::task_registry::of(ctx).snapshot().empty());
  BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
  BOOST_TEST(scope.live() == 0u);
  bool rethrown = false;
  ctx.restart();
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    try {
      co_await scope.join();
    } catch (const std::runtime_error&) {
      rethrown = true;
    }
  });
  BOOST_TEST(rethrown);
  BOOST_TEST(findings.size() == 0u);
}

// Objects built from a task's executor outlive the task: their later handlers belong to no
// task (not the ended one), and the registry counts the task as ended, not live.
BOOST_AUTO_TEST_CASE(objects_built_from_a_task_executor_do_not_extend_the_task) {
  loopcheck::scoped_finding_capture findings;
  asio::io_context ctx;
  std::optional<asio::strand<asio::any_io_executor>> strand;
  std::optional<asio::steady_timer> timer;
  loopcheck::spawn_detached(ctx.get_executor(), "builder", build_from_own_executor(strand, timer));
  ctx.run();
  ctx.restart();
  BOOST_REQUIRE(strand && timer);
  std::vector<const loopcheck::task_record*> current;
  asio::post(*strand, [&] { current.push_back(loopcheck::current_task()); });
  timer->expires_after(std::chrono::milliseconds(1));
  timer->async_wait([&](boost::system::error_code) { current.push_back(loopcheck::current_task()); });
  ctx.run();
  BOOST_TEST(current == std::vector<const loopcheck::task_record*>({nullptr, nullptr}));
  BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
  BOOST_TEST(loopcheck::task_registry::of(ctx).snapshot().empty());
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
