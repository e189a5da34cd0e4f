#include "loopcheck/runtime/lazy_slot.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
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
