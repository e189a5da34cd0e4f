// The runtime on executors run by several threads (docs/runtime.md, "Threading model"): an
// io_context run by N threads, strands of it, and asio::thread_pool. Each case makes the
// threads collide on purpose (spawns, cancels and notifies from other threads while tasks run)
// and is meant to run under the tsan preset too, where a data race fails it.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/runtime/serial_queue.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr int pool_threads = 4;

// An io_context run by `threads` threads until finish() (or the destructor) lets them go.
class context_on_threads {
 public:
  explicit context_on_threads(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { context.run(); });
  }
  ~context_on_threads() { finish(); }
  context_on_threads(const context_on_threads&) = delete;
  context_on_threads& operator=(const context_on_threads&) = delete;

  // Returns once every handler has run and the threads left run().
  void finish() {
    work_.reset();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  asio::io_context context;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(context);
  std::vector<std::thread> threads_;
};

// Runs `work` on `ex` and blocks until it ends, rethrowing its failure; bounded.
void wait_for(const asio::any_io_executor& ex, asio::awaitable<void> work) {
  auto done = asio::co_spawn(ex, std::move(work), asio::use_future);
  if (done.wait_for(60s) != std::future_status::ready) {
    // A hang says who waits on what: the context's live tasks, as a deadlock report would.
    std::ostringstream live;
    for (const auto& task : loopcheck::task_registry::of(ex).snapshot()) {
      live << "\n  task " << task.id << " '" << task.name << "' " << to_string(task.state) << ", waiting on '"
           << task.waiting_on << "'";
    }
    BOOST_FAIL("the awaited work did not end within 60 s; live tasks:" << live.str());
  }
  done.get();
}

// Counts the handlers of one task running at once; any moment with two is a failure.
struct overlap_meter {
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> handlers_done{0};  // posted handlers that have visited

  // Spends `busy` inside, so that a concurrent handler of the same task would overlap it.
  void visit(std::chrono::microseconds busy) {
    if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + busy;
    while (std::chrono::steady_clock::now() < until) std::this_thread::yield();
    inside.fetch_sub(1);
  }
};

// A task that posts `extra` handlers through its own executor (as code that builds timers,
// strands or callbacks from `this_coro::executor` does) and keeps stepping meanwhile. It ends
// only once its handlers have run: one still queued when the task ends runs as no task's
// (docs/runtime.md, executor identity), outside the task's exclusion, and would be counted here.
asio::awaitable<void> step_beside_own_handlers(std::shared_ptr<overlap_meter> meter, int extra) {
  const auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < extra; ++i) {
    asio::post(ex, [meter] {
      meter->visit(200us);
      meter->handlers_done.fetch_add(1);
    });
    meter->visit(200us);
    co_await asio::post(ex, asio::use_awaitable);
  }
  for (int round = 0; meter->handlers_done.load() < extra; ++round) {
    if (round == 1'000'000) throw std::logic_error("the task's own handlers never ran");
    co_await asio::post(ex, asio::use_awaitable);
  }
}

// Sleeps in short naps, arming a timer (and its cancellation handler) again and again.
asio::awaitable<void> nap_until_cancelled() {
  for (int nap = 0; nap < 1'000'000; ++nap) co_await loopcheck::sleep_for(10us);
  throw std::logic_error("a million naps before the cancellation came");
}

asio::awaitable<void> wait_for_notify(loopcheck::waiter_list& list) {
  for (int round = 0; round < 1'000'000; ++round) {
    const auto seen = list.epoch();
    co_await list.async_wait(seen, asio::use_awaitable);
  }
  throw std::logic_error("a waiter was notified a million times before its cancellation");
}

struct numbered {
  int producer;
  int number;
};

asio::awaitable<void> produce(loopcheck::serial_queue<numbered>& queue, int producer, int items) {
  for (int i = 0; i < items; ++i) co_await queue.push({producer, i});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(threading)

// A task's handlers never run at once, wherever they were posted from: the task's state, its
// happens-before clock and its cancellation slot are touched without a lock of their own.
BOOST_AUTO_TEST_CASE(handlers_of_one_task_never_run_concurrently_on_a_pool) {
  loopcheck::scoped_finding_capture findings;
  context_on_threads pool(pool_threads);
  std::vector<std::shared_ptr<overlap_meter>> meters;
  {
    loopcheck::task_scope scope(pool.context.get_executor(), "steppers");
    for (int i = 0; i < 8; ++i) {
      meters.push_back(std::make_shared<overlap_meter>());
      scope.spawn("stepper", step_beside_own_handlers(meters.back(), 20));
    }
    wait_for(pool.context.get_executor(), scope.join());
  }
  pool.finish();
  for (const auto& meter : meters) BOOST_TEST(meter->overlaps.load() == 0);
  BOOST_TEST(loopcheck::task_registry::of(pool.context).live_count() == 0u);
  BOOST_TEST(findings.size() == 0u);
}

// Spawns from several threads, a cancel from another while the tasks start and park, and a
// join: every task ends as cancelled, none is reported, none stays registered.
BOOST_AUTO_TEST_CASE(spawn_cancel_and_join_from_many_threads) {
  loopcheck::scoped_finding_capture findings;
  context_on_threads pool(pool_threads);
  {
    loopcheck::task_scope scope(pool.context.get_executor(), "nappers");
    std::vector<std::thread> spawners;
    for (int t = 0; t < 3; ++t) {
      spawners.emplace_back([&scope] {
        for (int i = 0; i < 100; ++i) scope.spawn("napper", nap_until_cancelled());
      });
    }
    for (auto& t : spawners) t.join();
    std::this_thread::sleep_for(5ms);
    scope.cancel();
    wait_for(pool.context.get_executor(), scope.join());
    BOOST_TEST(scope.live() == 0u);
  }
  pool.finish();
  BOOST_TEST(loopcheck::task_registry::of(pool.context).live_count() == 0u);
  BOOST_TEST(findings.size() == 0u);
}

// asio::thread_pool: the same spawns, cancel and join, its threads Asio's own.
BOOST_AUTO_TEST_CASE(spawn_cancel_and_join_on_a_thread_pool) {
  loopcheck::scoped_finding_capture findings;
  asio::thread_pool threads(pool_threads);
  {
    loopcheck::task_scope scope(threads.get_executor(), "nappers");
    for (int i = 0; i < 200; ++i) scope.spawn("napper", nap_until_cancelled());
    std::this_thread::sleep_for(5ms);
    scope.cancel();
    wait_for(threads.get_executor(), scope.join());
  }
  threads.join();
  BOOST_TEST(loopcheck::task_registry::of(threads).live_count() == 0u);
  BOOST_TEST(findings.size() == 0u);
}

// Waiters notified from a thread outside the context while their scope is cancelled from
// another: the notifier never touches a waiter's cancellation slot.
BOOST_AUTO_TEST_CASE(notify_from_outside_while_cancelled) {
  loopcheck::scoped_finding_capture findings;
  context_on_threads pool(pool_threads);
  {
    loopcheck::waiter_list list(pool.context.get_executor(), "bell");
    loopcheck::task_scope scope(pool.context.get_executor(), "listeners");
    for (int i = 0; i < 64; ++i) scope.spawn("listener", wait_for_notify(list));
    std::atomic<bool> ringing{true};
    std::thread ringer([&] {
      for (int i = 0; i < 100'000 && ringing.load(); ++i) list.notify_all();
    });
    std::this_thread::sleep_for(5ms);
    scope.cancel();
    wait_for(pool.context.get_executor(), scope.join());
    ringing.store(false);
    ringer.join();
  }
  pool.finish();
  BOOST_TEST(findings.size() == 0u);
}

// Producers spawned from several threads push into a small queue (so they block on it) whose
// consumer runs on the pool: every item arrives once, each producer's in its order.
BOOST_AUTO_TEST_CASE(a_serial_queue_fed_from_many_threads) {
  loopcheck::scoped_finding_capture findings;
  context_on_threads pool(pool_threads);
  constexpr int producers_per_thread = 4;
  constexpr int items = 200;
  std::mutex seen_mutex;
  std::map<int, std::vector<int>> seen;  // producer → numbers, in arrival order
  {
    loopcheck::serial_queue<numbered> queue(pool.context.get_executor(), "numbers", 8,
                                            [&](numbered item) -> asio::awaitable<void> {
                                              std::lock_guard lock(seen_mutex);
                                              seen[item.producer].push_back(item.number);
                                              co_return;
                                            });
    loopcheck::task_scope producers(pool.context.get_executor(), "producers");
    std::vector<std::thread> spawners;
    for (int t = 0; t < 3; ++t) {
      spawners.emplace_back([&, t] {
        for (int p = 0; p < producers_per_thread; ++p) {
          producers.spawn("producer", produce(queue, t * producers_per_thread + p, items));
        }
      });
    }
    for (auto& t : spawners) t.join();
    wait_for(pool.context.get_executor(), producers.join());
    wait_for(pool.context.get_executor(), queue.drain());
  }
  pool.finish();
  BOOST_TEST(seen.size() == 3u * producers_per_thread);
  std::vector<int> in_order(items);
  for (int i = 0; i < items; ++i) in_order[i] = i;
  for (const auto& [producer, numbers] : seen) BOOST_TEST(numbers == in_order, boost::test_tools::per_element());
  BOOST_TEST(findings.size() == 0u);
}

// A strand says whether this thread is inside it; the context's executor, whether this thread
// runs the context at all.
BOOST_AUTO_TEST_CASE(running_in_this_thread_tells_a_strand_from_its_context) {
  context_on_threads pool(2);
  const asio::any_io_executor strand = asio::make_strand(pool.context);
  std::promise<std::vector<bool>> inside_strand;
  std::promise<std::vector<bool>> outside_strand;
  asio::post(strand, [&] {
    inside_strand.set_value({loopcheck::running_in_this_thread(strand), loopcheck::running_context_in_this_thread(strand)});
  });
  asio::post(pool.context, [&] {
    outside_strand.set_value({loopcheck::running_in_this_thread(strand), loopcheck::running_context_in_this_thread(strand)});
  });
  BOOST_TEST(inside_strand.get_future().get() == std::vector<bool>({true, true}));
  BOOST_TEST(outside_strand.get_future().get() == std::vector<bool>({false, true}));
  BOOST_TEST(!loopcheck::running_in_this_thread(strand));
  BOOST_TEST(!loopcheck::running_context_in_this_thread(strand));
}

BOOST_AUTO_TEST_CASE(running_in_this_thread_on_a_thread_pool) {
  asio::thread_pool threads(2);
  const asio::any_io_executor ex = threads.get_executor();
  std::promise<bool> inside;
  asio::post(ex, [&] { inside.set_value(loopcheck::running_in_this_thread(ex)); });
  BOOST_TEST(inside.get_future().get());
  BOOST_TEST(!loopcheck::running_in_this_thread(ex));
  threads.join();
}

BOOST_AUTO_TEST_SUITE_END()
