// loopcheck::detached: a failing detached coroutine is an unobserved_exception finding naming
// the co_spawn line, on io_context, strands and thread_pool, for awaitable<void> and
// awaitable<T>; a succeeding one is silent, and so is asio::detached (the gap it closes).
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
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

// The one finding `capture` holds: an unobserved_exception naming `what` and this file's `line`.
void check_reported(const loopcheck::scoped_finding_capture& capture, const std::string& what, int line) {
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
  loopcheck::scoped_finding_capture capture;
  asio::io_context io;
  asio::co_spawn(io, fail_void(), loopcheck::detached); const int line = __LINE__;
  io.run();
  check_reported(capture, "disk full", line);
}

BOOST_AUTO_TEST_CASE(a_failing_awaitable_of_a_value_on_a_strand_is_reported) {
  loopcheck::scoped_finding_capture capture;
  asio::io_context io;
  auto strand = asio::make_strand(io);
  asio::co_spawn(strand, fail_int(), loopcheck::detached); const int line = __LINE__;
  io.run();
  check_reported(capture, "no answer", line);
}

BOOST_AUTO_TEST_CASE(a_failing_coroutine_on_a_thread_pool_is_reported) {
  loopcheck::scoped_finding_capture capture;
  asio::thread_pool pool(2);
  asio::co_spawn(pool, fail_void(), loopcheck::detached); const int line = __LINE__;
  pool.join();
  check_reported(capture, "disk full", line);
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
