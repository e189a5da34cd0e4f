// lazy_slot under explored schedules: bursts coalesce and the last request is never lost.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;
using sim_test::options_for;

namespace {


struct backup_target {
  int saved = -1;
  int last_requested = -1;
  int requests = 0;
};

asio::awaitable<void> save(backup_target& target, int value) {
  co_await loopcheck::sleep_for(2ms);  // the backup takes time: later requests pile up
  target.saved = value;
}

// One writer: each change requests a backup, with scheduling points between changes.
asio::awaitable<void> writer(loopcheck::lazy_slot& slot, backup_target& target, int first_value, int changes) {
  for (int i = 0; i < changes; ++i) {
    const int value = first_value + i;
    slot.request([&target, value] { return save(target, value); });
    target.last_requested = value;
    ++target.requests;
    if (i % 2 == 0) co_await sim_test::yield();
    else co_await loopcheck::sleep_for(1ms);
  }
}

asio::awaitable<void> fail_backup() {
  co_await loopcheck::sleep_for(1ms);
  throw std::runtime_error("backup failed: disk full");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lazy_slot_on_sim)

BOOST_AUTO_TEST_CASE(bursts_coalesce_and_the_last_request_always_runs) {
  sim_test::for_each_schedule(sim_test::seeds_per_strategy, [](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    sim::sim_context context(options_for(seed, strategy));
    backup_target target;
    std::uint64_t runs = 0;
    std::uint64_t replaced = 0;
    const auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
      loopcheck::lazy_slot slot(context.get_executor(), "backup");
      {
        loopcheck::task_scope writers(context.get_executor(), "writers");
        writers.spawn("writer-a", writer(slot, target, 100, 6));
        writers.spawn("writer-b", writer(slot, target, 200, 6));
        co_await writers.join();
      }
      co_await slot.drain();
      runs = slot.runs_started();
      replaced = slot.requests_replaced();
    });
    BOOST_TEST(result.finished);
    BOOST_TEST(!result.error);
    BOOST_TEST(result.outcome.status == sim::run_status::completed);
    BOOST_TEST(target.saved == target.last_requested);
    BOOST_TEST(runs + replaced == static_cast<std::uint64_t>(target.requests));
    BOOST_TEST(runs < static_cast<std::uint64_t>(target.requests));  // some coalesced
    BOOST_TEST(findings.size() == 0u);
  });
}

BOOST_AUTO_TEST_CASE(drain_rethrows_a_failed_backup) {
  sim_test::for_each_schedule(sim_test::seeds_per_strategy, [](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    sim::sim_context context(options_for(seed, strategy));
    std::string caught;
    const auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
      loopcheck::lazy_slot slot(context.get_executor(), "backup");
      slot.request([] { return fail_backup(); });
      try {
        co_await slot.drain();
      } catch (const std::runtime_error& e) {
        caught = e.what();
      }
    });
    BOOST_TEST(result.outcome.status == sim::run_status::completed);
    BOOST_TEST(caught == "backup failed: disk full");
    BOOST_TEST(findings.size() == 0u);
  });
}

BOOST_AUTO_TEST_SUITE_END()
