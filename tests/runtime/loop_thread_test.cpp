#include "loopcheck/runtime/loop_thread.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/run_sync.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using loopcheck::finding_kind;

namespace {
asio::awaitable<int> add_later(int a, int b, std::chrono::milliseconds delay) {
  co_await loopcheck::sleep_for(delay);
  co_return a + b;
}

asio::awaitable<int> increment(std::shared_ptr<int> counter, int result) {
  ++*counter;
  co_return result;
}

// Holds the loop until `release`, then cancels every task of the loop.
asio::awaitable<int> hold_then_cancel_all(std::future<void> release) {
  release.wait();
  auto ex = co_await asio::this_coro::executor;
  loopcheck::task_registry::of(ex).cancel_all();
  co_return 0;
}

asio::awaitable<void> fail_soon() {
  co_await loopcheck::sleep_for(1ms);
  throw std::runtime_error("boom");
}

// Swallows cancellation and waits again: a task that stop() can only abandon.
asio::awaitable<void> ignore_cancellation() {
  for (int i = 0; i < 1000; ++i) {
    try {
      co_await loopcheck::sleep_for(1h);
    } catch (const boost::system::system_error&) {
    }
    co_await asio::this_coro::reset_cancellation_state();
  }
}

// Takes a while to end once cancelled (its clean-up), then adds to `caller_total`: a variable on
// the frame of run_sync's caller.
asio::awaitable<void> add_after_a_slow_cancellation(int& caller_total, std::atomic<bool>& ended) {
  try {
    co_await loopcheck::sleep_for(1h);
  } catch (const boost::system::system_error&) {
  }
  std::this_thread::sleep_for(50ms);
  caller_total += 1;
  ended = true;
}

// Runs that task with run_sync and a deadline it misses; returns whether the task had ended (and
// so could no longer touch `caller_total`) when run_sync threw.
bool task_ended_when_run_sync_timed_out(const asio::any_io_executor& ex, std::atomic<bool>& ended) {
  int caller_total = 0;
  try {
    loopcheck::run_sync(ex, add_after_a_slow_cancellation(caller_total, ended), 20ms);
  } catch (const loopcheck::run_sync_timeout&) {
  }
  return ended.load();
}

// A library's synchronous wrapper, called from code already running on the loop.
asio::awaitable<bool> call_run_sync_on(asio::any_io_executor ex) {
  try {
    loopcheck::run_sync(ex, add_later(1, 1, 0ms), 10s);
  } catch (const loopcheck::loop_reentrancy_error&) {
    co_return true;
  }
  co_return false;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(loop_thread)

BOOST_AUTO_TEST_CASE(submit_from_many_threads) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop("workers");
  // State touched only on the loop thread; TSan checks that submit() hands over safely.
  auto counter = std::make_shared<int>(0);
  std::vector<std::thread> threads;
  std::atomic<int> sum{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto f = loop.submit("increment", increment(counter, t + i));
        sum += f.get();
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(loop.stop() == loopcheck::stop_outcome::drained);
  BOOST_TEST(*counter == 200);
  BOOST_TEST(sum.load() == 4 * (49 * 50 / 2) + 50 * (0 + 1 + 2 + 3));
  BOOST_TEST(findings.size() == 0u);
}

// A task's cancellation state is connected on the loop, where cancellation is emitted, not on
// the submitting thread: TSan reports a race if not. cancel_all() posted after the submitters
// are done reaches every task they submitted, so stop() finds nothing left to cancel.
BOOST_AUTO_TEST_CASE(cancelling_while_other_threads_submit) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop("cancelled-while-submitting");
  auto& registry = loopcheck::task_registry::of(loop.executor());
  const auto cancel_all = [&registry] { registry.cancel_all(); };
  constexpr int submitters = 2;
  constexpr int tasks_per_submitter = 100;
  std::vector<std::vector<std::future<int>>> futures(submitters);
  std::vector<std::thread> threads;
  for (int t = 0; t < submitters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < tasks_per_submitter; ++i) futures[t].push_back(loop.submit("endless", add_later(t, i, 1h)));
    });
  }
  for (int round = 0; round < 200; ++round) asio::post(loop.executor(), cancel_all);
  for (auto& th : threads) th.join();
  asio::post(loop.executor(), cancel_all);
  BOOST_TEST(loop.stop(5s) == loopcheck::stop_outcome::drained);
  int aborted = 0;
  for (auto& per_thread : futures) {
    for (auto& f : per_thread) {
      try {
        f.get();
      } catch (const boost::system::system_error& e) {
        aborted += e.code() == asio::error::operation_aborted ? 1 : 0;
      }
    }
  }
  BOOST_TEST(aborted == submitters * tasks_per_submitter);
  BOOST_TEST(findings.size() == 0u);
}

// The loop is held inside one task while another is queued behind it; the first then cancels
// every task, so the second is cancelled before it began: its future says so (it used to be a
// broken promise, its body never having run).
BOOST_AUTO_TEST_CASE(a_task_cancelled_before_it_began_fails_its_future_with_the_cancellation) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop("held");
  std::promise<void> release;
  auto first = loop.submit("holder", hold_then_cancel_all(release.get_future()));
  auto second = loop.submit("queued", add_later(1, 2, 1h));
  release.set_value();
  BOOST_TEST(first.get() == 0);
  try {
    second.get();
    BOOST_FAIL("the queued task ran");
  } catch (const boost::system::system_error& e) {
    BOOST_TEST(e.code() == asio::error::operation_aborted);
  }
  BOOST_TEST(loop.stop() == loopcheck::stop_outcome::drained);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(failure_reaches_the_future) {
  loopcheck::loop_thread loop;
  auto f = loop.submit("failing", fail_soon());
  BOOST_CHECK_THROW(f.get(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(stop_drains_pending_work_gracefully) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop;
  auto f = loop.submit("slow-save", add_later(1, 2, 30ms));
  BOOST_TEST(loop.stop(5s) == loopcheck::stop_outcome::drained);
  BOOST_TEST(f.get() == 3);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(stop_cancels_work_past_the_deadline) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop;
  auto f = loop.submit("endless", add_later(1, 2, 1h));
  BOOST_TEST(loop.stop(20ms) == loopcheck::stop_outcome::cancelled);
  BOOST_CHECK_THROW(f.get(), boost::system::system_error);
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(work_ignoring_cancellation_is_abandoned_and_reported) {
  loopcheck::scoped_finding_capture findings;
  {
    loopcheck::loop_thread loop("stubborn");
    auto f = loop.submit("stubborn-task", ignore_cancellation());
    BOOST_TEST(loop.stop(10ms) == loopcheck::stop_outcome::abandoned);
  }
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() >= 1u);
  BOOST_TEST(found[0].kind == finding_kind::leaked_task);
}

BOOST_AUTO_TEST_CASE(submit_after_stop_is_an_orphan_and_fails_the_future) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop;
  loop.stop();
  auto f = loop.submit("late", add_later(1, 1, 0ms));
  BOOST_CHECK_THROW(f.get(), loopcheck::loop_stopped_error);
  BOOST_TEST(findings.count(finding_kind::orphan_spawn) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(run_sync)

BOOST_AUTO_TEST_CASE(runs_an_awaitable_from_synchronous_code) {
  loopcheck::loop_thread loop;
  BOOST_TEST(loopcheck::run_sync(loop.executor(), add_later(20, 22, 1ms)) == 42);
}

BOOST_AUTO_TEST_CASE(reentrant_call_on_the_loop_thread_throws_at_once) {
  loopcheck::scoped_finding_capture findings;
  loopcheck::loop_thread loop;
  auto ex = loop.executor();
  const auto started = std::chrono::steady_clock::now();
  auto f = loop.submit("autoreload-startup", call_run_sync_on(ex));
  BOOST_TEST(f.get());
  BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
  auto found = findings.snapshot();
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].kind == finding_kind::reentrancy);
  BOOST_TEST(found[0].task_name == "autoreload-startup");
}

// run_sync never returns while its task can still use the caller's frame: past the deadline it
// cancels the task and waits for its end. (Otherwise the task writes to a frame that is gone:
// ASan's stack-use-after-return.)
BOOST_AUTO_TEST_CASE(a_timed_out_task_has_ended_before_run_sync_throws) {
  std::atomic<bool> ended{false};
  loopcheck::loop_thread loop;
  BOOST_TEST(task_ended_when_run_sync_timed_out(loop.executor(), ended));
  loop.stop(100ms);
}

BOOST_AUTO_TEST_CASE(a_loop_nobody_runs_times_out_instead_of_hanging) {
  asio::io_context idle;  // never run
  BOOST_CHECK_THROW(loopcheck::run_sync(idle.get_executor(), add_later(1, 1, 0ms), 20ms), loopcheck::run_sync_timeout);
}

BOOST_AUTO_TEST_SUITE_END()
