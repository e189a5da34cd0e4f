#include "loopcheck/runtime/serial_queue.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "tests/support/run_root.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using loopcheck::finding_kind;

namespace {

// Pushes five batches; counts itself in `failed` when the consumer's failure reaches it.
asio::awaitable<void> produce(loopcheck::serial_queue<int>& saves, int producer, int& failed) {
  for (int i = 0; i < 5; ++i) {
    try {
      co_await saves.push(producer * 5 + i);
    } catch (const loopcheck::queue_consumer_failed& e) {
      BOOST_TEST(std::string(e.what()).find("disk gone") != std::string::npos);
      ++failed;
      co_return;
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serial_queue)

BOOST_AUTO_TEST_CASE(items_are_consumed_in_order_with_backpressure) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  std::vector<int> saved;
  std::size_t max_size = 0;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> saves(ctx.get_executor(), "saves", 2, [&](int batch) -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(1ms);
      saved.push_back(batch);
    });
    for (int batch = 0; batch < 20; ++batch) {
      co_await saves.push(batch);
      max_size = std::max(max_size, saves.size());
    }
    co_await saves.drain();
    BOOST_TEST(saves.processed() == 20u);
  });
  std::vector<int> expected(20);
  for (int i = 0; i < 20; ++i) expected[i] = i;
  BOOST_TEST(saved == expected, boost::test_tools::per_element());
  BOOST_TEST(max_size <= 2u);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(crashed_consumer_fails_blocked_and_later_producers) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  int failed_producers = 0;
  std::string drain_error;
  const auto started = std::chrono::steady_clock::now();
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> saves(ctx.get_executor(), "saves", 1, [](int batch) -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(1ms);
      if (batch == 2) throw std::runtime_error("disk gone");
    });
    loopcheck::task_scope producers(ctx.get_executor(), "producers");
    for (int p = 0; p < 4; ++p) {
      producers.spawn("producer", produce(saves, p, failed_producers));
    }
    co_await producers.join();  // with asyncio's queue.join() this waits forever
    try {
      co_await saves.drain();
    } catch (const loopcheck::queue_consumer_failed& e) {
      drain_error = e.what();
    }
  });
  BOOST_TEST(failed_producers >= 3);  // every producer still pushing when the consumer died
  BOOST_TEST(drain_error.find("disk gone") != std::string::npos);
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
  BOOST_TEST(findings.size() == 0u);  // the failure was observed by everyone who cared
}

BOOST_AUTO_TEST_CASE(close_then_drain_finishes_everything_queued) {
  asio::io_context ctx;
  std::vector<int> saved;
  bool refused_after_close = false;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> saves(ctx.get_executor(), "saves", 8, [&](int batch) -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(1ms);
      saved.push_back(batch);
    });
    for (int batch = 0; batch < 8; ++batch) co_await saves.push(batch);
    saves.close();
    try {
      co_await saves.push(99);
    } catch (const loopcheck::queue_closed_error&) {
      refused_after_close = true;
    }
    co_await saves.drain();
  });
  BOOST_TEST(saved.size() == 8u);  // Asio 1.26's channel close() would have dropped these
  BOOST_TEST(refused_after_close);
}

BOOST_AUTO_TEST_CASE(unobserved_consumer_failure_is_reported) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> saves(ctx.get_executor(), "saves", 4, [](int) -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(0ms);
      throw std::runtime_error("consumer bug");
    });
    co_await saves.push(1);
    co_await loopcheck::sleep_for(5ms);  // the consumer fails; nobody pushes or drains again
  });
  BOOST_TEST(findings.count(finding_kind::unobserved_exception) == 1u);
}

// The queue goes away while its consumer still works through what was queued, and then the
// consumer fails: nobody is left to observe the failure, so it is reported, naming the consumer.
BOOST_AUTO_TEST_CASE(a_consumer_failing_after_its_queue_was_destroyed_is_reported) {
  asio::io_context ctx;
  loopcheck::scoped_finding_capture findings;
  loopcheck::testing::run_root(ctx, [&]() -> asio::awaitable<void> {
    loopcheck::serial_queue<int> saves(ctx.get_executor(), "saves", 4, [](int) -> asio::awaitable<void> {
      co_await loopcheck::sleep_for(2ms);
      throw std::runtime_error("disk gone");
    });
    co_await saves.push(1);
    co_await saves.push(2);
  });  // the queue is destroyed here, before its consumer has even started on item 1
  const auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::unobserved_exception);
  BOOST_TEST(found[0].task_name == "saves consumer");
  BOOST_TEST(std::string(found[0].site.file_name()).find("serial_queue_test.cpp") != std::string::npos);
  BOOST_TEST(found[0].message.find("disk gone") != std::string::npos);
  BOOST_TEST(found[0].message.find("1 queued item(s) were not processed") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
