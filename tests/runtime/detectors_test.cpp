// Each detector: a test that triggers it and a test that the right pattern stays silent.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "tests/support/run_root.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using loopcheck::finding_kind;

namespace {

asio::awaitable<void> nap(std::chrono::milliseconds d, int* done = nullptr) {
  co_await loopcheck::sleep_for(d);
  if (done != nullptr) ++*done;
}

asio::awaitable<int> answer() { co_return 42; }

asio::awaitable<void> wait_forever(std::shared_ptr<loopcheck::waiter_list> never) {
  co_await never->async_wait(never->epoch(), asio::use_awaitable);
}

asio::awaitable<void> snapshot_later(asio::io_context& ctx, std::vector<loopcheck::task_info>& out) {
  co_await loopcheck::sleep_for(1ms);
  out = loopcheck::task_registry::of(ctx).snapshot();
}

asio::awaitable<void> boom() {
  co_await loopcheck::sleep_for(0ms);
  throw std::runtime_error("backup failed: disk full");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(leaked_task)

BOOST_AUTO_TEST_CASE(context_destroyed_with_suspended_task_is_reported) {
  loopcheck::scoped_finding_capture findings;
  {
    asio::io_context ctx;
    loopcheck::spawn_detached(ctx.get_executor(), "pending-backup", nap(1h));
    ctx.run_for(5ms);  // the task starts and suspends on its timer; the loop then stops for good
  }
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::leaked_task);
  BOOST_TEST(found[0].task_name == "pending-backup");
  BOOST_TEST(std::string(found[0].site.file_name()).find("detectors_test.cpp") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(task_parked_in_a_wait_names_the_wait) {
  loopcheck::scoped_finding_capture findings;
  {
    asio::io_context ctx;
    auto never = std::make_shared<loopcheck::waiter_list>(ctx.get_executor(), "queue 'saves' has space");
    loopcheck::spawn_detached(ctx.get_executor(), "blocked-producer", wait_forever(never));
    ctx.run_for(20ms);  // co_spawn keeps the loop busy: a real run() would hang here forever
    auto tasks = loopcheck::task_registry::of(ctx).snapshot();
    BOOST_REQUIRE(tasks.size() == 1u);
    BOOST_TEST(tasks[0].state == loopcheck::task_state::suspended);
    BOOST_TEST(tasks[0].waiting_on == "queue 'saves' has space");
  }
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::leaked_task);
  BOOST_TEST(found[0].message.find("queue 'saves' has space") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(completed_tasks_stay_silent) {
  loopcheck::scoped_finding_capture findings;
  int done = 0;
  {
    asio::io_context ctx;
    loopcheck::spawn_detached(ctx.get_executor(), "quick-backup", nap(1ms, &done));
    ctx.run();
    BOOST_TEST(loopcheck::task_registry::of(ctx).live_count() == 0u);
  }
  BOOST_TEST(done == 1);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(snapshot_shows_running_and_suspended) {
  asio::io_context ctx;
  std::vector<loopcheck::task_info> seen;
  loopcheck::spawn_detached(ctx.get_executor(), "sleeper", nap(20ms));
  loopcheck::spawn_detached(ctx.get_executor(), "observer", snapshot_later(ctx, seen));
  ctx.run();
  BOOST_REQUIRE(seen.size() == 2u);
  for (const auto& t : seen) {
    if (t.name == "observer") BOOST_TEST(t.state == loopcheck::task_state::running);
    else BOOST_TEST(t.state == loopcheck::task_state::suspended);
    BOOST_TEST((t.age >= 1ms));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unawaited_task)

BOOST_AUTO_TEST_CASE(dropped_task_is_reported_with_its_creation_site) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  const unsigned line = __LINE__ + 1;
  { loopcheck::task<int> forgotten(ctx.get_executor(), "forgotten-save", answer()); }
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::unawaited_task);
  BOOST_TEST(found[0].task_name == "forgotten-save");
  BOOST_TEST(found[0].site.line() == line);
}

BOOST_AUTO_TEST_CASE(run_but_never_started_is_still_reported) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  {
    loopcheck::task<int> t(ctx.get_executor(), "half-handled", answer());
    auto dropped = std::move(t).run();  // the awaitable is made, then dropped unstarted
  }
  BOOST_TEST(findings.count(finding_kind::unawaited_task) == 1u);
}

BOOST_AUTO_TEST_CASE(awaited_dismissed_and_spawned_tasks_stay_silent) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  int result = 0;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task<int> t(ctx.get_executor(), "awaited", answer());
    result = co_await std::move(t).run();
    loopcheck::task<int> unwanted(ctx.get_executor(), "dismissed", answer());
    std::move(unwanted).dismiss();
    loopcheck::task_scope scope(ctx.get_executor());
    scope.spawn(loopcheck::task<int>(ctx.get_executor(), "spawned", answer()));
    co_await scope.join();
  });
  BOOST_TEST(result == 42);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unobserved_exception)

BOOST_AUTO_TEST_CASE(failed_detached_task_is_reported) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  loopcheck::spawn_detached(ctx.get_executor(), "fire-and-forget", boom());
  ctx.run();  // with co_spawn(..., detached) this returns normally and says nothing
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::unobserved_exception);
  BOOST_TEST(found[0].task_name == "fire-and-forget");
  BOOST_TEST(found[0].message.find("disk full") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failed_task_of_an_unjoined_scope_is_reported) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  {
    loopcheck::task_scope scope(ctx.get_executor(), "never-joined");
    scope.spawn("failing", boom());
    ctx.run();
  }
  BOOST_TEST(findings.count(finding_kind::unobserved_exception) == 1u);
  BOOST_TEST(findings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(failure_retrieved_by_join_stays_silent) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  bool caught = false;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(ctx.get_executor(), "joined");
    scope.spawn("failing", boom());
    try {
      co_await scope.join();
    } catch (const std::runtime_error&) {
      caught = true;
    }
  });
  BOOST_TEST(caught);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(orphan_spawn)

BOOST_AUTO_TEST_CASE(work_on_a_context_that_never_runs_again_is_reported) {
  loopcheck::scoped_finding_capture findings;
  {
    asio::io_context ctx;
    ctx.run();  // nothing to do: the loop runs out of work and stops
    loopcheck::spawn_detached(ctx.get_executor(), "too-late", nap(1ms));
    // ... and is destroyed without ever running again
  }
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::orphan_spawn);
  BOOST_TEST(found[0].task_name == "too-late");
}

BOOST_AUTO_TEST_CASE(work_on_a_stopped_context_that_is_restarted_stays_silent) {
  loopcheck::scoped_finding_capture findings;
  int done = 0;
  {
    asio::io_context ctx;
    ctx.run();
    loopcheck::spawn_detached(ctx.get_executor(), "after-restart", nap(1ms, &done));
    ctx.restart();
    ctx.run();
  }
  BOOST_TEST(done == 1);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(finding_kinds)

// Reports name a kind by its string and read it back by that name (JSON, JUnit, merge).
BOOST_AUTO_TEST_CASE(every_kind_has_a_name_that_parses_back) {
  for (int k = 0; k <= static_cast<int>(loopcheck::last_finding_kind); ++k) {
    const auto kind = static_cast<finding_kind>(k);
    BOOST_TEST(loopcheck::to_string(kind) != "unknown");
    BOOST_TEST((loopcheck::parse_finding_kind(loopcheck::to_string(kind)) == kind));
  }
  BOOST_TEST((loopcheck::parse_finding_kind("still_running") == finding_kind::still_running));
}

BOOST_AUTO_TEST_SUITE_END()
