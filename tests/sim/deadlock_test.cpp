// Deadlock: nothing ready, no timer pending, tracked tasks still alive.
#include <boost/test/unit_test.hpp>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;
using sim_test::options_for;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two tasks, each waiting for the other's flag before setting its own.
struct handshake {
  explicit handshake(const asio::any_io_executor& ex) : a_done(ex, "flag 'a_done'"), b_done(ex, "flag 'b_done'") {}
  bool a = false;
  bool b = false;
  loopcheck::waiter_list a_done;
  loopcheck::waiter_list b_done;
};

asio::awaitable<void> wait_then_set(std::shared_ptr<handshake> h, bool handshake::*wait_for,
                                    loopcheck::waiter_list handshake::*wait_list, bool handshake::*set,
                                    loopcheck::waiter_list handshake::*set_list) {
  co_await sim_test::yield();
  auto& waiters = (*h).*wait_list;
  for (;;) {
    const auto seen = waiters.epoch();
    if ((*h).*wait_for) break;
    co_await waiters.async_wait(seen, asio::use_awaitable);
  }
  (*h).*set = true;
  ((*h).*set_list).notify_all();
}

// A bounded queue built on waiter lists, as a serial queue's producer side would be.
struct bounded_queue {
  bounded_queue(const asio::any_io_executor& ex, std::size_t capacity_items)
      : capacity(capacity_items), has_space(ex, "queue 'saves' has space"), has_item(ex, "queue 'saves' has an item") {}
  std::size_t capacity;
  std::deque<int> items;
  loopcheck::waiter_list has_space;
  loopcheck::waiter_list has_item;
};

asio::awaitable<void> produce(std::shared_ptr<bounded_queue> q, int count) {
  for (int i = 0; i < count; ++i) {
    for (;;) {
      const auto seen = q->has_space.epoch();
      if (q->items.size() < q->capacity) break;
      co_await q->has_space.async_wait(seen, asio::use_awaitable);
    }
    q->items.push_back(i);
    q->has_item.notify_one();
  }
}

// Takes `survive` items, then crashes: the producer is never told.
asio::awaitable<void> consume_then_crash(std::shared_ptr<bounded_queue> q, int survive) {
  for (int taken = 0;; ++taken) {
    if (taken == survive) throw std::runtime_error("consumer crashed");
    for (;;) {
      const auto seen = q->has_item.epoch();
      if (!q->items.empty()) break;
      co_await q->has_item.async_wait(seen, asio::use_awaitable);
    }
    q->items.pop_front();
    q->has_space.notify_one();
    co_await loopcheck::sleep_for(1ms);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_deadlock)

BOOST_AUTO_TEST_CASE(two_tasks_waiting_for_each_other_are_named_with_their_waits) {
  for (auto strategy : sim_test::all_strategies) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) {
        sim::sim_context context(options_for(seed, strategy));
        const asio::any_io_executor ex = context.get_executor();
        auto h = std::make_shared<handshake>(ex);
        loopcheck::spawn_detached(ex, "A", wait_then_set(h, &handshake::b, &handshake::b_done, &handshake::a, &handshake::a_done));
        loopcheck::spawn_detached(ex, "B", wait_then_set(h, &handshake::a, &handshake::a_done, &handshake::b, &handshake::b_done));
        h.reset();
        const auto outcome = context.run();
        BOOST_TEST(outcome.status == sim::run_status::deadlock);
        BOOST_REQUIRE(outcome.failure.has_value());
        const auto& f = *outcome.failure;
        BOOST_TEST(f.kind == finding_kind::deadlock);
        BOOST_TEST(f.task_name == "A");
        BOOST_TEST(contains(f.message, "task 'A' #1 spawned at deadlock_test.cpp"));
        BOOST_TEST(contains(f.message, "task 'B' #2 spawned at deadlock_test.cpp"));
        BOOST_TEST(contains(f.message, "waiting on flag 'b_done'"));
        BOOST_TEST(contains(f.message, "waiting on flag 'a_done'"));
        BOOST_TEST(loopcheck::task_registry::of(context).findings()->count(finding_kind::deadlock) == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(producer_blocked_on_a_full_queue_after_the_consumer_crashed) {
  for (auto strategy : sim_test::all_strategies) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) {
        sim::sim_context context(options_for(seed, strategy));
        const asio::any_io_executor ex = context.get_executor();
        auto q = std::make_shared<bounded_queue>(ex, 2);
        loopcheck::spawn_detached(ex, "producer", produce(q, 10));
        loopcheck::spawn_detached(ex, "consumer", consume_then_crash(q, 3));
        q.reset();
        const auto outcome = context.run();
        BOOST_TEST(outcome.status == sim::run_status::deadlock);
        BOOST_REQUIRE(outcome.failure.has_value());
        BOOST_TEST(contains(outcome.failure->message, "1 live task(s): task 'producer'"));
        BOOST_TEST(contains(outcome.failure->message, "waiting on queue 'saves' has space"));
        const auto& log = *loopcheck::task_registry::of(context).findings();
        BOOST_TEST(log.count(finding_kind::unobserved_exception) == 1u);  // the crash itself
        BOOST_TEST(log.count(finding_kind::deadlock) == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_handshake_that_completes_is_not_a_deadlock) {
  for (auto strategy : sim_test::all_strategies) {
    sim::sim_context context(options_for(11, strategy));
    const asio::any_io_executor ex = context.get_executor();
    auto h = std::make_shared<handshake>(ex);
    h->b = true;  // B's part is already done: A can proceed, then B
    loopcheck::spawn_detached(ex, "A", wait_then_set(h, &handshake::b, &handshake::b_done, &handshake::a, &handshake::a_done));
    loopcheck::spawn_detached(ex, "B", wait_then_set(h, &handshake::a, &handshake::a_done, &handshake::b, &handshake::b_done));
    const auto outcome = context.run();
    BOOST_TEST(outcome.status == sim::run_status::completed);
    BOOST_TEST(!outcome.failure.has_value());
    BOOST_TEST(loopcheck::task_registry::of(context).findings()->size() == 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
