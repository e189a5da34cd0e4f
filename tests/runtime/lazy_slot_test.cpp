#include "loopcheck/runtime/lazy_slot.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "tests/support/run_root.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using loopcheck::finding_kind;

namespace {

// A backup that records which version of the data it wrote.
loopcheck::lazy_slot::factory backup(std::vector<int>& written, int version, std::chrono::milliseconds duration = 5ms) {
  return [&written, version, duration]() -> asio::awaitable<void> {
    co_await loopcheck::sleep_for(duration);
    written.push_back(version);
  };
}

// A factory that fails to make its task (the snapshot it would save cannot be taken). Not a
// coroutine: calling the factory throws.
loopcheck::lazy_slot::factory failing_factory() {
  return []() -> asio::awaitable<void> { throw std::runtime_error("snapshot failed: out of memory"); };
}

// Polls until the slot is idle and no run is inside its body; false past `limit`.
bool wait_until_idle(const loopcheck::lazy_slot& slot, const std::atomic<int>& running,
                     std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!(slot.idle() && running.load() == 0)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100us);
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lazy_slot)

BOOST_AUTO_TEST_CASE(burst_runs_first_and_last_only_and_drain_keeps_the_last) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> written;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slot slot(ctx.get_executor(), "backup");
    for (int version = 1; version <= 100; ++version) slot.request(backup(written, version));
    co_await slot.drain();
    BOOST_TEST(slot.idle());
    BOOST_TEST(slot.runs_started() == 2u);
    BOOST_TEST(slot.requests_replaced() == 98u);
  });
  BOOST_TEST((written == std::vector<int>{1, 100}));
  BOOST_TEST(findings.size() == 0u);  // the 98 replaced requests are disposed cleanly
}

BOOST_AUTO_TEST_CASE(at_most_one_runs_at_a_time) {
  asio::io_context ctx;
  int running = 0;
  int max_running = 0;
  auto make = [&]() -> asio::awaitable<void> {
    max_running = std::max(max_running, ++running);
    co_await loopcheck::sleep_for(2ms);
    --running;
  };
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slot slot(ctx.get_executor(), "writer");
    for (int i = 0; i < 10; ++i) {
      slot.request(make);
      co_await loopcheck::sleep_for(1ms);
    }
    co_await slot.drain();
  });
  BOOST_TEST(max_running == 1);
}

BOOST_AUTO_TEST_CASE(drain_rethrows_a_failure) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::string caught;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slot slot(ctx.get_executor(), "backup");
    slot.request([]() -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(1ms);
      throw std::runtime_error("write failed: ENOSPC");
    });
    try {
      co_await slot.drain();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  BOOST_TEST(caught == "write failed: ENOSPC");
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(destroyed_busy_slot_reports_the_running_and_the_lost_waiting_request) {
  loopcheck::scoped_finding_capture findings;
  std::vector<int> written;
  {
    asio::io_context ctx;
    {
      loopcheck::lazy_slot slot(ctx.get_executor(), "backup");
      slot.request(backup(written, 1, 1h));
      slot.request(backup(written, 2));
      ctx.run_for(2ms);
    }  // NiceGUI's shutdown: the slot goes away with work pending
  }
  BOOST_TEST(findings.count(finding_kind::leaked_task) == 1u);
  BOOST_TEST(findings.count(finding_kind::unawaited_task) == 1u);
  BOOST_TEST(written.empty());
}

// A factory that throws instead of making its task fails the slot as a failed run does: drain()
// rethrows it, request() does not.
BOOST_AUTO_TEST_CASE(a_throwing_factory_on_an_idle_slot_is_the_slots_failure) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::string caught;
  const auto run = loopcheck::testing::run_root_for(ctx, 2s, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slot slot(ctx.get_executor(), "backup");
    slot.request(failing_factory());
    try {
      co_await slot.drain();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  BOOST_TEST(run.completed);
  BOOST_TEST(!run.error);
  BOOST_TEST(caught == "snapshot failed: out of memory");
  BOOST_TEST(findings.size() == 0u);
}

// The same for a waiting request, whose factory runs when the running task ends: its throw must
// not escape that task's completion (stranding drain()).
BOOST_AUTO_TEST_CASE(a_waiting_requests_throwing_factory_is_the_slots_failure) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> written;
  std::string caught;
  const auto run = loopcheck::testing::run_root_for(ctx, 2s, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slot slot(ctx.get_executor(), "backup");
    slot.request(backup(written, 1));
    slot.request(failing_factory());
    try {
      co_await slot.drain();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    BOOST_TEST(slot.idle());
  });
  BOOST_TEST(run.completed);
  BOOST_TEST(!run.error);
  BOOST_TEST((written == std::vector<int>{1}));
  BOOST_TEST(caught == "snapshot failed: out of memory");
  BOOST_TEST(findings.size() == 0u);
}

// request() from several threads at once, on a context run by several threads, still starts at
// most one run at a time. Each round starts from an idle slot, where a second run could start;
// the factory takes a while (it snapshots what it saves), as real ones do.
BOOST_AUTO_TEST_CASE(concurrent_requests_start_one_run_at_a_time) {
  constexpr int loop_threads = 3;
  constexpr int requesting_threads = 4;
  constexpr int rounds = 100;
  asio::io_context ctx;
  auto keep_running = asio::make_work_guard(ctx);
  std::vector<std::thread> runners;
  for (int i = 0; i < loop_threads; ++i) runners.emplace_back([&ctx] { ctx.run(); });
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  const auto run_body = [&]() -> asio::awaitable<void> {
    const int now_running = ++running;
    int seen = max_running.load();
    while (now_running > seen && !max_running.compare_exchange_weak(seen, now_running)) {
    }
    co_await loopcheck::sleep_for(1ms);
    --running;
  };
  const loopcheck::lazy_slot::factory slow_factory = [&run_body] {
    std::this_thread::sleep_for(200us);
    return run_body();
  };
  bool every_round_went_idle = true;
  {
    loopcheck::lazy_slot slot(ctx.get_executor(), "hammered");
    // Two phases a round: all requesters start together; all have requested.
    std::barrier phase(requesting_threads + 1);
    std::vector<std::thread> requesters;
    for (int t = 0; t < requesting_threads; ++t) {
      requesters.emplace_back([&] {
        for (int round = 0; round < rounds; ++round) {
          phase.arrive_and_wait();
          slot.request(slow_factory);
          phase.arrive_and_wait();
        }
      });
    }
    for (int round = 0; round < rounds; ++round) {
      phase.arrive_and_wait();
      phase.arrive_and_wait();
      every_round_went_idle = every_round_went_idle && wait_until_idle(slot, running, 5s);
    }
    for (auto& t : requesters) t.join();
  }
  keep_running.reset();
  for (auto& t : runners) t.join();
  BOOST_TEST(every_round_went_idle);
  BOOST_TEST(max_running.load() == 1);
}

BOOST_AUTO_TEST_CASE(keyed_slots_coalesce_per_key) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> settings_written, users_written;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::lazy_slots slots(ctx.get_executor());
    for (int version = 1; version <= 10; ++version) {
      slots.request("settings", backup(settings_written, version));
      slots.request("users", backup(users_written, 100 + version));
    }
    BOOST_TEST(slots.size() == 2u);
    co_await slots.drain();
    BOOST_TEST(slots.find("settings")->runs_started() == 2u);
  });
  BOOST_TEST((settings_written == std::vector<int>{1, 10}));
  BOOST_TEST((users_written == std::vector<int>{101, 110}));
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
