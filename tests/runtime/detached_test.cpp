// loopcheck::detached: a failing detached coroutine is an unobserved_exception finding naming
// the co_spawn line, on io_context, strands and thread_pool, for awaitable<void> and
// awaitable<T>; a succeeding one is silent, and so is asio::detached (the gap it closes).
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "loopcheck/runtime/call_stack.hpp"
#include "loopcheck/runtime/detached.hpp"
#include "loopcheck/runtime/finding.hpp"

namespace asio = boost::asio;

namespace {

asio::awaitable<void> fail_void() {
  throw std::runtime_error("disk full");
  co_return;
}

asio::awaitable<int> fail_int() {
  throw std::runtime_error("no answer");
  co_return 0;
}

asio::awaitable<int> succeed_int() { co_return 42; }

// Spawns `work` with loopcheck::detached on `ex`, runs `context` to its end with `run`, and
// checks the one finding: an unobserved_exception naming `what` and the co_spawn line here.
template <typename Executor, typename T, typename Run>
void check_reported(const Executor& ex, asio::awaitable<T> work, Run run, const std::string& what) {
  loopcheck::scoped_finding_capture capture;
  asio::co_spawn(ex, std::move(work), loopcheck::detached); const int line = __LINE__;
  run();
  const auto findings = capture.snapshot();
  BOOST_REQUIRE_EQUAL(findings.size(), 1u);
  const auto& f = findings.front();
  BOOST_TEST_MESSAGE(loopcheck::format(f));
  BOOST_TEST(f.kind == loopcheck::finding_kind::unobserved_exception);
  BOOST_TEST(f.message.find(what) != std::string::npos, f.message);
  if (loopcheck::call_stack_has_lines()) {
    const std::string site = "detached_test.cpp:" + std::to_string(line);
    BOOST_TEST(f.message.find(site) != std::string::npos, f.message << " names " << site);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detached)

BOOST_AUTO_TEST_CASE(a_failing_coroutine_on_an_io_context_names_its_spawn_line) {
  asio::io_context io;
  check_reported(io.get_executor(), fail_void(), [&io] { io.run(); }, "disk full");
}

BOOST_AUTO_TEST_CASE(a_failing_awaitable_of_a_value_on_a_strand_is_reported) {
  asio::io_context io;
  check_reported(asio::make_strand(io), fail_int(), [&io] { io.run(); }, "no answer");
}

BOOST_AUTO_TEST_CASE(a_failing_coroutine_on_a_thread_pool_is_reported) {
  asio::thread_pool pool(2);
  check_reported(pool.get_executor(), fail_void(), [&pool] { pool.join(); }, "disk full");
}

BOOST_AUTO_TEST_CASE(succeeding_coroutines_are_silent) {
  loopcheck::scoped_finding_capture capture;
  asio::io_context io;
  asio::co_spawn(io, succeed_int(), loopcheck::detached);
  asio::co_spawn(asio::make_strand(io), succeed_int(), loopcheck::detached);
  io.run();
  BOOST_TEST(capture.size() == 0u);
}

// The gap loopcheck::detached closes: asio::detached drops the exception without a word.
BOOST_AUTO_TEST_CASE(asio_detached_drops_the_failure_silently) {
  loopcheck::scoped_finding_capture capture;
  asio::io_context io;
  asio::co_spawn(io, fail_void(), asio::detached);
  io.run();
  BOOST_TEST(capture.size() == 0u);
}

// Other signatures behave as asio::detached: nothing to report, nothing reported.
BOOST_AUTO_TEST_CASE(a_timer_wait_detached_completes_silently) {
  loopcheck::scoped_finding_capture capture;
  asio::io_context io;
  asio::steady_timer timer(io, std::chrono::milliseconds(1));
  timer.async_wait(loopcheck::detached);
  BOOST_TEST(io.run() == 1u);
  BOOST_TEST(capture.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
