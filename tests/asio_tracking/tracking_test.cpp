// The tracker on plain Asio code: which patterns are reported, as what, naming which line.
#define BOOST_TEST_MODULE loopcheck asio_tracking
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string_view>
#include <thread>
#include <vector>

#include "loopcheck/asio_tracking/source_site.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "plain_asio_cases.hpp"

namespace {

using loopcheck::finding;
using loopcheck::finding_kind;

template <typename Pattern>
std::vector<finding> findings_of(Pattern pattern) {
  loopcheck::scoped_finding_capture capture;
  pattern();
  return capture.snapshot();
}

void check_one_finding(const std::vector<finding>& found, finding_kind kind, std::string_view operation,
                       unsigned line) {
  BOOST_TEST_REQUIRE(found.size() == 1u);
  const finding& f = found.front();
  BOOST_TEST_INFO("finding: " << loopcheck::format(f));
  BOOST_TEST(f.kind == kind);
  BOOST_TEST(f.task_name == operation);
#if defined(__OPTIMIZE__)
  BOOST_TEST(std::string_view(f.site.file_name()).ends_with("plain_asio_cases.hpp"));
  BOOST_TEST(f.site.line() == line);
#else
  // Unoptimized, g++ 12's libbacktrace resolves no frame of an inline (COMDAT) function, such
  // as the patterns: the site is the first user frame it resolves, the test's call of the
  // pattern (docs/asio-tracking.md).
  (void)line;
  BOOST_TEST(std::string_view(f.site.file_name()).ends_with("tracking_test.cpp"));
#endif
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_coroutine_pending_at_destruction_is_a_leaked_task_named_by_its_spawn_line) {
  const auto found = findings_of(plain_asio::leave_a_coroutine_pending);
  check_one_finding(found, finding_kind::leaked_task, "deadline_timer.async_wait", plain_asio::pending_coroutine_line);
  BOOST_TEST(found.front().message.find("created by io_context.execute") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_posted_handler_is_an_unobserved_exception) {
  check_one_finding(findings_of(plain_asio::post_a_throwing_handler), finding_kind::unobserved_exception,
                    "io_context.execute", plain_asio::throwing_handler_line);
}

BOOST_AUTO_TEST_CASE(work_posted_to_a_context_never_run_is_a_leaked_task) {
  check_one_finding(findings_of(plain_asio::post_to_a_context_never_run), finding_kind::leaked_task,
                    "io_context.execute", plain_asio::never_run_line);
}

BOOST_AUTO_TEST_CASE(a_detached_coroutine_s_lost_exception_is_an_unobserved_exception) {
  const auto found = findings_of(plain_asio::lose_a_detached_exception);
  check_one_finding(found, finding_kind::unobserved_exception, "co_spawn", plain_asio::detached_spawn_line);
  BOOST_TEST(found.front().message.find("lost in detached") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_detached_value_coroutine_s_lost_exception_is_an_unobserved_exception) {
  check_one_finding(findings_of(plain_asio::lose_a_detached_exception_of_a_value_coroutine),
                    finding_kind::unobserved_exception, "co_spawn", plain_asio::detached_spawn_line);
}

// Asio's own async_result for detached_t (which has the legacy completion_handler_type, the
// tracker's has not) stays in charge of every signature but co_spawn's.
template <typename Signature>
constexpr bool asio_s_own_detached = requires {
  typename boost::asio::async_result<boost::asio::detached_t, Signature>::completion_handler_type;
};
static_assert(asio_s_own_detached<void(boost::system::error_code)>);
static_assert(asio_s_own_detached<void()>);
static_assert(!asio_s_own_detached<void(std::exception_ptr)>);
static_assert(!asio_s_own_detached<void(std::exception_ptr, int)>);

BOOST_AUTO_TEST_CASE(the_correct_patterns_are_silent) {
  BOOST_TEST(findings_of(plain_asio::let_the_coroutine_finish).empty());
  BOOST_TEST(findings_of(plain_asio::cancel_the_coroutine_then_finish).empty());
  BOOST_TEST(findings_of(plain_asio::post_a_handler_that_catches).empty());
  BOOST_TEST(findings_of(plain_asio::catch_inside_the_detached_coroutine).empty());
}

BOOST_AUTO_TEST_CASE(a_runtime_site_reads_back) {
  const auto site = loopcheck::asio_tracking::make_source_location("dir/file.cpp", 42, "f()");
  BOOST_TEST(site.file_name() == std::string_view("dir/file.cpp"));
  BOOST_TEST(site.line() == 42u);
  BOOST_TEST(site.function_name() == std::string_view("f()"));
}

// Four threads run one context through many handler chains and coroutines: silent when all of it
// completes; one finding per coroutine left waiting when the context is stopped and destroyed.
namespace {
constexpr int run_threads = 4;
constexpr int handler_chains = 64;
constexpr int chain_length = 200;
constexpr int coroutines = 64;

void post_chain(plain_asio::asio::io_context& context, std::atomic<int>& done, int remaining) {
  if (remaining == 0) {
    done.fetch_add(1);
    return;
  }
  plain_asio::asio::post(context, [&context, &done, remaining] { post_chain(context, done, remaining - 1); });
}

void run_on_threads(plain_asio::asio::io_context& context) {
  std::vector<std::jthread> threads;
  for (int t = 0; t < run_threads; ++t) threads.emplace_back([&context] { context.run(); });
}
}  // namespace

BOOST_AUTO_TEST_CASE(many_threads_many_operations_completed_are_silent) {
  loopcheck::scoped_finding_capture capture;
  std::atomic<int> chains_done{0};
  {
    plain_asio::asio::io_context context;
    for (int c = 0; c < handler_chains; ++c) post_chain(context, chains_done, chain_length);
    for (int c = 0; c < coroutines; ++c) {
      auto sleep = plain_asio::sleep(std::chrono::milliseconds(c % 5));
      plain_asio::asio::co_spawn(context, std::move(sleep), plain_asio::asio::detached);
    }
    run_on_threads(context);
  }
  BOOST_TEST(chains_done.load() == handler_chains);
  BOOST_TEST(capture.size() == 0u);
}

BOOST_AUTO_TEST_CASE(many_threads_coroutines_left_waiting_are_each_reported) {
  loopcheck::scoped_finding_capture capture;
  {
    plain_asio::asio::io_context context;
    for (int c = 0; c < coroutines; ++c) {
      auto sleep = plain_asio::sleep(std::chrono::hours(1));
      plain_asio::asio::co_spawn(context, std::move(sleep), plain_asio::asio::detached);
    }
    plain_asio::asio::steady_timer stopper(context, std::chrono::milliseconds(20));
    stopper.async_wait([&context](boost::system::error_code) { context.stop(); });
    run_on_threads(context);
  }
  BOOST_TEST(capture.count(finding_kind::leaked_task) == static_cast<std::size_t>(coroutines));
  BOOST_TEST(capture.size() == static_cast<std::size_t>(coroutines));
}
