// serial_queue under explored schedules: order kept under backpressure, and a consumer failure
// reaches every producer instead of deadlocking them (seed 001).
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/serial_queue.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

constexpr int producers = 3;
constexpr int items_per_producer = 8;

asio::awaitable<void> record_item(std::vector<int>& processed, int item, int fail_on) {
  co_await loopcheck::sleep_for(1ms);
  if (item == fail_on) throw std::runtime_error("save failed");
  processed.push_back(item);
}

struct producer_tally {
  int finished = 0;  // pushed every item
  int refused = 0;   // told that the consumer failed
};

asio::awaitable<void> produce(loopcheck::serial_queue<int>& queue, int producer, producer_tally& tally) {
  try {
    for (int i = 0; i < items_per_producer; ++i) {
      co_await queue.push(producer * 100 + i);
      if (i % 3 == 0) co_await sim_test::yield();
    }
    ++tally.finished;
  } catch (const loopcheck::queue_consumer_failed&) {
    ++tally.refused;
  }
}

struct queue_run {
  sim::run_outcome outcome;
  std::vector<int> processed;
  producer_tally tally;
  bool drain_failed = false;
};

queue_run run_producers(sim::sim_context& context, int fail_on) {
  queue_run run;
  auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> queue(context.get_executor(), "saves", 2,
                                       [&run, fail_on](int item) { return record_item(run.processed, item, fail_on); });
    {
      loopcheck::task_scope scope(context.get_executor(), "producers");
      for (int p = 1; p <= producers; ++p) scope.spawn("producer", produce(queue, p, run.tally));
      co_await scope.join();
    }
    try {
      co_await queue.drain();
    } catch (const loopcheck::queue_consumer_failed&) {
      run.drain_failed = true;
    }
  });
  BOOST_TEST(result.finished);
  BOOST_TEST(!result.error);
  run.outcome = result.outcome;
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serial_queue_on_sim)

BOOST_AUTO_TEST_CASE(every_item_is_processed_once_in_each_producers_order) {
  sim_test::for_each_schedule(sim_test::seeds_per_strategy, [](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    sim::sim_context context(options_for(seed, strategy));
    const auto run = run_producers(context, -1);
    BOOST_TEST(run.outcome.status == sim::run_status::completed);
    BOOST_TEST(run.processed.size() == static_cast<std::size_t>(producers * items_per_producer));
    std::map<int, int> next_of_producer;
    for (int item : run.processed) {
      auto& next = next_of_producer[item / 100];
      BOOST_TEST(item % 100 == next);
      ++next;
    }
    BOOST_TEST(run.tally.finished == producers);
    BOOST_TEST(!run.drain_failed);
    BOOST_TEST(findings.size() == 0u);
  });
}

BOOST_AUTO_TEST_CASE(a_consumer_failure_reaches_every_producer_instead_of_deadlocking) {
  sim_test::for_each_schedule(sim_test::seeds_per_strategy, [](std::uint64_t seed, sim::strategy_kind strategy) {
    loopcheck::scoped_finding_capture findings;
    sim::sim_context context(options_for(seed, strategy));
    const auto run = run_producers(context, 102);
    BOOST_TEST(run.outcome.status == sim::run_status::completed);  // not deadlock
    // The failing item's producer always has more to push; the others may finish first.
    BOOST_TEST(run.tally.refused >= 1);
    BOOST_TEST(run.tally.refused + run.tally.finished == producers);
    BOOST_TEST(run.drain_failed);
    BOOST_TEST(std::count(run.processed.begin(), run.processed.end(), 102) == 0);
    BOOST_TEST(findings.size() == 0u);  // the failure was observed by the producers
  });
}

BOOST_AUTO_TEST_SUITE_END()
