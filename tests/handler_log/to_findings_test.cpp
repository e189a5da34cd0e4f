// Problems become findings: the kinds, the user's site, the chain in the message, and one
// finding per leaked root chain.
#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <string>

#include "loopcheck/handler_log/to_findings.hpp"
#include "log_text.hpp"

namespace loopcheck::handler_log {
namespace {

using testing::analyze_text;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

BOOST_AUTO_TEST_SUITE(findings_of_a_log)

BOOST_AUTO_TEST_CASE(a_real_log_gives_one_leak_and_one_exception) {
  const auto findings = to_findings(analyze_text(std::string(testing::real_log)));
  BOOST_TEST_REQUIRE(findings.size() == 2u);
  const auto& leak = findings[0];
  BOOST_TEST(static_cast<int>(leak.kind) == static_cast<int>(finding_kind::leaked_task));
  BOOST_TEST(leak.task_name == "deadline_timer.async_wait");
  BOOST_TEST(leak.task_id == 2u);
  BOOST_TEST(leak.message.starts_with("at /work/wt-analyze/tests/handler_log/programs/pending_timer.cpp:15: "), leak.message);
  BOOST_TEST(contains(leak.message, "destroyed without being invoked"), leak.message);
  BOOST_TEST(contains(leak.message, "<- #1 io_context.execute in 'co_spawn_entry_point' "
                                    "(/usr/include/boost/asio/impl/co_spawn.hpp:147) <- (created outside any handler)"),
             leak.message);
  // #3, created while #2 was torn down, is part of #2's finding, not one of its own.
  BOOST_TEST(contains(leak.message, "1 more operation(s) created under it"), leak.message);
  const auto& failure = findings[1];
  BOOST_TEST(static_cast<int>(failure.kind) == static_cast<int>(finding_kind::unobserved_exception));
  BOOST_TEST(failure.task_id == 6u);
  BOOST_TEST(failure.message.starts_with("at /work/wt-analyze/tests/handler_log/programs/posted_throw.cpp:16: "), failure.message);
  BOOST_TEST(contains(failure.message, "left by exception"), failure.message);
  BOOST_TEST(failure.time.count() == (1796167596413007 - 1796167596336738) * 1000);  // the `!6` line
}

BOOST_AUTO_TEST_CASE(the_site_is_the_first_location_outside_library_headers) {
  const auto findings = to_findings(analyze_text(
      "@asio|1.000001|0^1|in 'run' (/opt/boost_1_81/boost/asio/impl/read.hpp:10)\n"
      "@asio|1.000001|0^1|called from 'start' (src/conn.cpp:33)\n"
      "@asio|1.000001|0*1|socket@0x1.async_read_some\n"
      "@asio|1.000002|0^2|in 'run' (/opt/boost_1_81/boost/asio/impl/write.hpp:10)\n"
      "@asio|1.000002|0*2|socket@0x1.async_write_some\n"));
  BOOST_TEST_REQUIRE(findings.size() == 2u);
  BOOST_TEST(findings[0].message.starts_with("at src/conn.cpp:33: "), findings[0].message);
  // No user location anywhere in the chain: the first one at all.
  BOOST_TEST(findings[1].message.starts_with("at /opt/boost_1_81/boost/asio/impl/write.hpp:10: "), findings[1].message);
  BOOST_TEST(contains(findings[0].message, "pending when the log ends"), findings[0].message);
}

BOOST_AUTO_TEST_CASE(a_pending_operation_whose_ancestors_completed_is_its_own_root) {
  const auto findings = to_findings(analyze_text(
      "@asio|1.000001|0^1|in 'accept' (srv.cpp:10)\n@asio|1.000001|0*1|socket@0x1.async_accept\n"
      "@asio|1.000002|>1|ec=system:0\n"
      "@asio|1.000003|1^2|in 'read' (srv.cpp:20)\n@asio|1.000003|1*2|socket@0x2.async_read_some\n"
      "@asio|1.000004|<1|\n"));
  BOOST_TEST_REQUIRE(findings.size() == 1u);
  BOOST_TEST(findings[0].task_id == 2u);
  BOOST_TEST(contains(findings[0].message, "#2 socket.async_read_some in 'read' (srv.cpp:20) <- #1 socket.async_accept in "
                                           "'accept' (srv.cpp:10)"),
             findings[0].message);
}

BOOST_AUTO_TEST_CASE(roots_with_the_same_problem_kind_and_site_are_one_finding) {
  // Fifty connections, each with a read pending when the context is destroyed, each read
  // created by its own accept handler; the accept handler's teardown also creates work.
  std::string text;
  constexpr int connections = 50;
  for (int c = 0; c < connections; ++c) {
    const int accept = 3 * c + 1;
    text += fmt::format("@asio|1.000001|0*{}|socket@0x1.async_accept\n@asio|1.000002|>{}|\n", accept, accept);
    text += fmt::format("@asio|1.000003|{}^{}|in 'read' (srv.cpp:20)\n@asio|1.000003|{}*{}|socket@0x2.async_read_some\n",
                        accept, accept + 1, accept, accept + 1);
    text += fmt::format("@asio|1.000004|<{}|\n", accept);
  }
  for (int c = 0; c < connections; ++c) {
    const int read = 3 * c + 2;
    text += fmt::format("@asio|1.000005|{}*{}|io_context@0x3.execute\n@asio|1.000006|~{}|\n@asio|1.000007|~{}|\n", read,
                        read + 1, read, read + 1);
  }
  const auto findings = to_findings(analyze_text(text));
  BOOST_TEST_REQUIRE(findings.size() == 1u);
  BOOST_TEST(findings[0].message.starts_with(
                 "at srv.cpp:20: 50 operations socket.async_read_some (#2, #5, #8, #11, #14 and 45 more) destroyed"),
             findings[0].message);
  BOOST_TEST(contains(findings[0].message, "; 50 more operation(s) created under it"), findings[0].message);
}

BOOST_AUTO_TEST_CASE(different_problems_are_different_findings) {
  const auto findings = to_findings(analyze_text(
      "@asio|1.000001|0^1|in 'f' (a.cpp:1)\n@asio|1.000001|0*1|io_context@0x1.execute\n"
      "@asio|1.000001|0^2|in 'f' (a.cpp:1)\n@asio|1.000001|0*2|io_context@0x1.execute\n"
      "@asio|1.000002|>1|\n@asio|1.000003|!1|\n"));
  BOOST_TEST_REQUIRE(findings.size() == 2u);
  BOOST_TEST(static_cast<int>(findings[0].kind) == static_cast<int>(finding_kind::unobserved_exception));
  BOOST_TEST(static_cast<int>(findings[1].kind) == static_cast<int>(finding_kind::leaked_task));
}

BOOST_AUTO_TEST_CASE(describes_what_it_read) {
  const auto log = analyze_text("noise\n@asio|1.000001|0*1|io_context@0x1.execute\n@asio|1.0\n@asio|1.000002|>7|\n");
  BOOST_TEST(describe_reading(log) ==
             "4 lines, 1 operations (at most 1 live at once); 2 lines not understood (1 without @asio|, 1 malformed, "
             "0 too long), skipped; 1 events name operations whose creation is not in the log");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace loopcheck::handler_log
