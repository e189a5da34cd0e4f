// loopcheck::steady_timer on the simulator: virtual time, ordered by expiry under every
// schedule, cancel and expiry changes complete waiters with operation_aborted, any completion
// token, destruction aborts pending waits, and no thread is created.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/steady_timer.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

asio::awaitable<void> wake_after(std::string name, std::chrono::milliseconds delay, std::vector<std::string>& woke) {
  const auto ex = co_await asio::this_coro::executor;
  loopcheck::steady_timer timer(ex, delay);
  co_await timer.async_wait(asio::use_awaitable);
  woke.push_back(name + "@" + std::to_string(loopcheck::now(ex) / 1ms));
}

asio::awaitable<void> wait_catching(loopcheck::steady_timer& timer, boost::system::error_code& seen) {
  auto waited = timer.async_wait(asio::as_tuple(asio::use_awaitable));
  std::tie(seen) = co_await std::move(waited);
}

asio::awaitable<void> cancel_after(loopcheck::steady_timer& timer, std::chrono::seconds delay, std::size_t& cancelled) {
  co_await loopcheck::sleep_for(delay);
  cancelled = timer.cancel();
}

asio::awaitable<void> move_expiry_after(loopcheck::steady_timer& timer, std::chrono::seconds delay,
                                        std::size_t& cancelled) {
  co_await loopcheck::sleep_for(delay);
  cancelled = timer.expires_after(1s);
}

asio::awaitable<void> emit_after(std::chrono::seconds delay, asio::cancellation_signal& signal) {
  co_await loopcheck::sleep_for(delay);
  signal.emit(asio::cancellation_type::terminal);
}

}  // namespace

// Label io_guard: also run on the portable preset, where only the public-API guard refuses Asio I/O.
BOOST_AUTO_TEST_SUITE(steady_timer_on_sim, *boost::unit_test::label("io_guard"))

BOOST_AUTO_TEST_CASE(waits_complete_in_virtual_expiry_order_under_every_schedule_without_a_thread) {
  const std::size_t threads_before = sim_test::thread_count();
  for (auto strategy : sim_test::all_strategies) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) {
        sim::sim_context context(options_for(seed, strategy));
        std::vector<std::string> woke;
        const auto ex = context.get_executor();
        loopcheck::spawn_detached(ex, "late", wake_after("late", 30ms, woke));
        loopcheck::spawn_detached(ex, "early", wake_after("early", 10ms, woke));
        loopcheck::spawn_detached(ex, "middle", wake_after("middle", 20ms, woke));
        const auto outcome = context.run();
        BOOST_TEST(outcome.status == sim::run_status::completed);
        BOOST_TEST((woke == std::vector<std::string>{"early@10", "middle@20", "late@30"}));
        BOOST_TEST((context.now() == 30ms));
        BOOST_TEST(sim_test::thread_count() == threads_before);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(cancel_completes_every_waiter_with_operation_aborted_and_counts_them) {
  sim::sim_context context(options_for(3, sim::strategy_kind::random));
  const auto ex = context.get_executor();
  loopcheck::steady_timer timer(ex, 1h);
  BOOST_TEST(timer.is_virtual());
  BOOST_TEST((timer.expiry().time_since_epoch() == 1h));
  boost::system::error_code first;
  boost::system::error_code second;
  std::size_t cancelled = 0;
  loopcheck::spawn_detached(ex, "first", wait_catching(timer, first));
  loopcheck::spawn_detached(ex, "second", wait_catching(timer, second));
  loopcheck::spawn_detached(ex, "canceller", cancel_after(timer, 5s, cancelled));
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST(cancelled == 2u);
  BOOST_TEST((first == asio::error::operation_aborted));
  BOOST_TEST((second == asio::error::operation_aborted));
  BOOST_TEST((context.now() == 5s));  // the cancelled hour did not hold the run
  BOOST_TEST(timer.cancel() == 0u);   // nothing left to cancel
}

BOOST_AUTO_TEST_CASE(a_new_expiry_aborts_pending_waits_and_a_fired_wait_is_not_counted) {
  sim::sim_context context(options_for(4, sim::strategy_kind::fifo));
  const auto ex = context.get_executor();
  loopcheck::steady_timer timer(ex, 1h);
  boost::system::error_code seen;
  std::size_t cancelled = 0;
  loopcheck::spawn_detached(ex, "waiter", wait_catching(timer, seen));
  loopcheck::spawn_detached(ex, "mover", move_expiry_after(timer, 2s, cancelled));
  context.run();
  BOOST_TEST(cancelled == 1u);
  BOOST_TEST((seen == asio::error::operation_aborted));
  BOOST_TEST((timer.expiry().time_since_epoch() == 3s));

  // A wait that fired is no longer pending: cancel() does not count it.
  boost::system::error_code fired = asio::error::would_block;
  loopcheck::spawn_detached(ex, "second-waiter", wait_catching(timer, fired));
  context.run();
  BOOST_TEST(!fired);
  BOOST_TEST((context.now() == 3s));
  BOOST_TEST(timer.cancel() == 0u);
}

BOOST_AUTO_TEST_CASE(any_completion_token_a_callback_deferred_and_as_tuple) {
  sim::sim_context context(options_for(5, sim::strategy_kind::random));
  const auto ex = context.get_executor();
  loopcheck::steady_timer timer(ex, 7s);
  std::vector<std::string> completions;
  auto on_callback = [&](boost::system::error_code ec) { completions.push_back("callback " + ec.message()); };
  timer.async_wait(on_callback);
  auto deferred = timer.async_wait(asio::deferred);
  auto on_deferred = [&](boost::system::error_code ec) { completions.push_back("deferred " + ec.message()); };
  std::move(deferred)(on_deferred);
  auto on_tuple = [&](std::tuple<boost::system::error_code> result) {
    completions.push_back("as_tuple " + std::get<0>(result).message());
  };
  timer.async_wait(asio::as_tuple(on_tuple));
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST((context.now() == 7s));
  BOOST_TEST((completions == std::vector<std::string>{"callback Success", "deferred Success", "as_tuple Success"}));
}

BOOST_AUTO_TEST_CASE(destroying_the_timer_aborts_its_pending_waits) {
  sim::sim_context context(options_for(6, sim::strategy_kind::fifo));
  boost::system::error_code seen;
  bool completed = false;
  {
    loopcheck::steady_timer timer(context.get_executor(), 1h);
    timer.async_wait([&](boost::system::error_code ec) {
      seen = ec;
      completed = true;
    });
  }
  BOOST_TEST(context.pending_timers() == 0u);
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST(completed);
  BOOST_TEST((seen == asio::error::operation_aborted));
  BOOST_TEST((context.now() == 0s));
}

BOOST_AUTO_TEST_CASE(the_awaiting_coroutines_cancellation_aborts_its_wait) {
  sim::sim_context context(options_for(7, sim::strategy_kind::random));
  const auto ex = context.get_executor();
  loopcheck::steady_timer timer(ex, 1h);
  boost::system::error_code seen;
  asio::cancellation_signal signal;
  asio::co_spawn(ex, wait_catching(timer, seen), asio::bind_cancellation_slot(signal.slot(), asio::detached));
  loopcheck::spawn_detached(ex, "canceller", emit_after(2s, signal));
  context.run();
  BOOST_TEST((seen == asio::error::operation_aborted));
  BOOST_TEST((context.now() == 2s));
}

BOOST_AUTO_TEST_SUITE_END()
