// Virtual time: starts at 0, jumps to the next timer, never sleeps, honours cancellation.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

asio::awaitable<void> sleep_catching(std::chrono::nanoseconds duration, boost::system::error_code& seen,
                                     bool& completed) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  try {
    co_await loopcheck::sleep_for(duration);
  } catch (const boost::system::system_error& e) {
    seen = e.code();
  }
  completed = true;
}

asio::awaitable<void> sleep_plain(std::chrono::nanoseconds duration, bool& completed) {
  co_await loopcheck::sleep_for(duration);
  completed = true;
}

asio::awaitable<void> emit_after(std::chrono::nanoseconds delay, asio::cancellation_signal& signal,
                                 asio::cancellation_type type) {
  co_await loopcheck::sleep_for(delay);
  signal.emit(type);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_clock)

BOOST_AUTO_TEST_CASE(ten_virtual_minutes_take_no_real_time) {
  sim::sim_context context(options_for(5, sim::strategy_kind::random));
  BOOST_TEST(context.now().count() == 0);
  const auto started = std::chrono::steady_clock::now();
  int naps = 0;
  const auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
    for (int minute = 0; minute < 10; ++minute) {
      co_await loopcheck::sleep_for(1min);
      ++naps;
    }
  });
  const auto real_elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST(result.finished);
  BOOST_TEST(result.outcome.status == sim::run_status::completed);
  BOOST_TEST(naps == 10);
  BOOST_TEST((context.now() == 10min));
  BOOST_TEST((result.outcome.virtual_time == 10min));
  BOOST_TEST((loopcheck::now(context.get_executor()) == 10min));
  BOOST_TEST((real_elapsed < 5s));
}

BOOST_AUTO_TEST_CASE(timers_wake_in_deadline_order_and_ties_in_set_order) {
  sim::sim_context context(options_for(6, sim::strategy_kind::fifo));
  std::vector<std::string> woke;
  auto sleeper = [&](std::string name, std::chrono::milliseconds delay) -> asio::awaitable<void> {
    co_await loopcheck::sleep_for(delay);
    woke.push_back(name + "@" + std::to_string(context.now() / 1ms));
  };
  const auto ex = context.get_executor();
  loopcheck::spawn_detached(ex, "late", sleeper("late", 30ms));
  loopcheck::spawn_detached(ex, "tie-1", sleeper("tie-1", 10ms));
  loopcheck::spawn_detached(ex, "tie-2", sleeper("tie-2", 10ms));
  loopcheck::spawn_detached(ex, "zero", sleeper("zero", 0ms));
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST((woke == std::vector<std::string>{"zero@0", "tie-1@10", "tie-2@10", "late@30"}));
}

BOOST_AUTO_TEST_CASE(cancellation_completes_a_sleep_with_operation_aborted) {
  for (auto type : {asio::cancellation_type::terminal, asio::cancellation_type::partial,
                    asio::cancellation_type::total}) {
    sim::sim_context context(options_for(7, sim::strategy_kind::random));
    asio::cancellation_signal signal;
    boost::system::error_code seen;
    bool completed = false;
    asio::co_spawn(context, sleep_catching(1h, seen, completed),
                   asio::bind_cancellation_slot(signal.slot(), asio::detached));
    asio::co_spawn(context, emit_after(5s, signal, type), asio::detached);
    const auto outcome = context.run();
    BOOST_TEST(outcome.status == sim::run_status::completed);
    BOOST_TEST(completed);
    BOOST_TEST((seen == asio::error::operation_aborted));
    BOOST_TEST((context.now() == 5s));  // the cancelled 1h timer did not hold the run
    BOOST_TEST(context.pending_timers() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(a_sleep_outside_any_cancellation_runs_to_its_deadline) {
  sim::sim_context context(options_for(8, sim::strategy_kind::fifo));
  asio::cancellation_signal signal;
  bool completed = false;
  // A coroutine's default filter passes only terminal cancellation: a partial request must
  // not end its sleep.
  asio::co_spawn(context, sleep_plain(1s, completed), asio::bind_cancellation_slot(signal.slot(), asio::detached));
  asio::post(context, [&] { signal.emit(asio::cancellation_type::partial); });
  context.run();
  BOOST_TEST(completed);
  BOOST_TEST((context.now() == 1s));
}

BOOST_AUTO_TEST_SUITE_END()
