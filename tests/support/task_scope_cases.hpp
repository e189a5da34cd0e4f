#pragma once
// task_scope behaviours written once and checked on every kind of context: on a real
// io_context (tests/runtime) and on the simulator under many schedules (tests/sim). A case
// holds its state, a root coroutine `body(ex)` and the checks any context must pass
// (`check(findings)`); each test adds what only its context can check (real or virtual time).
#include <boost/asio.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::testing::task_scope_cases {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Sleeps, passes one scheduling point (where the simulator may run anything else), appends.
inline asio::awaitable<void> append_after(std::vector<int>& out, int value, std::chrono::nanoseconds delay) {
  co_await sleep_for(delay);
  co_await asio::post(asio::use_awaitable);
  out.push_back(value);
}

// Finish without suspending: they run to their end inside spawn() when spawned from the loop.
inline asio::awaitable<void> count_at_once(int& n) {
  ++n;
  co_return;
}

inline asio::awaitable<void> fail_at_once() {
  throw std::runtime_error("at once");
  co_return;
}

inline asio::awaitable<void> fail_after(std::chrono::nanoseconds delay, const char* what) {
  co_await sleep_for(delay);
  co_await asio::post(asio::use_awaitable);
  throw std::runtime_error(what);
}

struct join_waits_for_every_task {
  std::vector<int> order;
  std::size_t live_while_running = 0;
  std::size_t live_after_join = 99;

  asio::awaitable<void> body(asio::any_io_executor ex) {
    task_scope scope(ex, "writers");
    scope.spawn("slow", append_after(order, 2, 20ms));
    scope.spawn("fast", append_after(order, 1, 1ms));
    live_while_running = scope.live();
    co_await scope.join();
    live_after_join = scope.live();
  }
  void check(const findings_log& findings) const {
    BOOST_TEST((order == std::vector<int>{1, 2}));
    BOOST_TEST(live_while_running == 2u);
    BOOST_TEST(live_after_join == 0u);
    BOOST_TEST(findings.size() == 0u);
  }
};

struct join_rethrows_the_first_failure_and_reports_the_rest {
  std::string caught;

  asio::awaitable<void> body(asio::any_io_executor ex) {
    task_scope scope(ex, "failing");
    scope.spawn("first", fail_after(1ms, "first failure"));
    scope.spawn("second", fail_after(5ms, "second failure"));
    try {
      co_await scope.join();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  }
  void check(const findings_log& findings) const {
    BOOST_TEST(caught == "first failure");
    const auto found = findings.snapshot();
    BOOST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].kind == finding_kind::unobserved_exception);
    BOOST_TEST(found[0].task_name == "second");
    BOOST_TEST(found[0].message.find("second failure") != std::string::npos);
  }
};

struct cancel_ends_tasks_and_join_completes_without_error {
  std::vector<int> order;

  asio::awaitable<void> body(asio::any_io_executor ex) {
    task_scope scope(ex, "sleepers");
    scope.spawn("sleeper-1", append_after(order, 1, 1h));
    scope.spawn("sleeper-2", append_after(order, 2, 1h));
    co_await sleep_for(1ms);
    scope.cancel();
    co_await scope.join();
  }
  void check(const findings_log& findings) const {
    BOOST_TEST(order.empty());
    BOOST_TEST(findings.size() == 0u);
  }
};

// The scope dies at the end of the root with two tasks asleep: it reports and cancels each.
struct a_scope_destroyed_with_live_tasks_reports_each {
  std::vector<int> order;

  asio::awaitable<void> body(asio::any_io_executor ex) {
    task_scope scope(ex, "abandoned");
    scope.spawn("orphaned-writer", append_after(order, 1, 1h));
    scope.spawn("other-writer", append_after(order, 2, 1h));
    co_await sleep_for(5ms);
  }
  void check(const findings_log& findings) const {
    const auto found = findings.snapshot();
    BOOST_REQUIRE(found.size() == 2u);
    for (const auto& f : found) {
      BOOST_TEST(f.kind == finding_kind::leaked_task);
      BOOST_TEST(f.message.find("abandoned") != std::string::npos);
    }
    BOOST_TEST(order.empty());
  }
};

}  // namespace loopcheck::testing::task_scope_cases
