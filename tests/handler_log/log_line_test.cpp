// The line parser on lines in Asio 1.26's format (DESIGN.md, "Asio handler tracking"), and on
// lines that are not quite that: truncated, damaged, another program's output.
#include <boost/test/unit_test.hpp>
#include <string>

#include "loopcheck/handler_log/log_line.hpp"

namespace loopcheck::handler_log {
namespace {

log_line parsed(std::string_view text) {
  const auto line = parse_log_line(text);
  BOOST_TEST_REQUIRE(line.has_value(), "not parsed: " << text);
  return *line;
}

BOOST_AUTO_TEST_SUITE(log_line_parser)

BOOST_AUTO_TEST_CASE(parses_a_creation) {
  const auto line = parsed("@asio|1796166643.743963|5*12|deadline_timer@0x5593dbd6f0a0.async_wait");
  BOOST_TEST(static_cast<int>(line.what) == static_cast<int>(action::creation));
  BOOST_TEST(line.time_us == 1796166643743963u);
  BOOST_TEST(line.handler_id == 5u);
  BOOST_TEST(line.operation_id == 12u);
  BOOST_TEST(line.object_type == "deadline_timer");
  BOOST_TEST(line.operation_name == "async_wait");
}

BOOST_AUTO_TEST_CASE(parses_a_creation_on_a_null_object) {
  const auto line = parsed("@asio|1.000000|0*1|io_context@(nil).execute");
  BOOST_TEST(line.object_type == "io_context");
  BOOST_TEST(line.operation_name == "execute");
}

BOOST_AUTO_TEST_CASE(parses_locations_with_and_without_a_function) {
  const auto in = parsed("@asio|1.000001|0^1|in 'co_spawn_entry_point' (/usr/include/boost/asio/impl/co_spawn.hpp:147)");
  BOOST_TEST(static_cast<int>(in.what) == static_cast<int>(action::creation_location));
  BOOST_TEST(in.operation_id == 1u);
  BOOST_TEST(in.location.is_innermost);
  BOOST_TEST(in.location.func == "co_spawn_entry_point");
  BOOST_TEST(in.location.file == "/usr/include/boost/asio/impl/co_spawn.hpp");
  BOOST_TEST(in.location.line == 147u);
  const auto called = parsed("@asio|1.000001|3^4|called from (src/main.cpp:12)");
  BOOST_TEST(!called.location.is_innermost);
  BOOST_TEST(called.location.func.empty());
  BOOST_TEST(called.location.file == "src/main.cpp");
  BOOST_TEST(called.location.line == 12u);
  // A function name may hold the separators themselves.
  const auto odd = parsed("@asio|1.000001|3^4|in 'f' (x)::<lambda()>' (a:b.cpp:7)");
  BOOST_TEST(odd.location.func == "f' (x)::<lambda()>");
  BOOST_TEST(odd.location.file == "a:b.cpp");
  BOOST_TEST(odd.location.line == 7u);
}

BOOST_AUTO_TEST_CASE(parses_the_life_of_an_operation) {
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000002|>7|").what) == static_cast<int>(action::entry));
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000002|>7|ec=system:0,bytes_transferred=5").what) ==
             static_cast<int>(action::entry));
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000003|<7|").what) == static_cast<int>(action::exit));
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000003|!7|").what) == static_cast<int>(action::exception));
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000003|~7|\r").what) == static_cast<int>(action::destruction));
  BOOST_TEST(parsed("@asio|1.000003|~7|").operation_id == 7u);
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000004|3|deadline_timer@0x1.cancel").what) ==
             static_cast<int>(action::object_operation));
  BOOST_TEST(static_cast<int>(parsed("@asio|1.000004|.9|non_blocking_recv,ec=system:11").what) ==
             static_cast<int>(action::reactor_operation));
}

BOOST_AUTO_TEST_CASE(rejects_truncated_lines) {
  const std::string full = "@asio|1796166643.743963|5*12|deadline_timer@0x5593dbd6f0a0.async_wait";
  // Every cut before the '.' of the operation name leaves a line that is not one.
  const auto last_bad = full.find(".async_wait");
  for (std::size_t length = 0; length <= last_bad + 1; ++length) {
    BOOST_TEST(!parse_log_line(full.substr(0, length)).has_value(), "accepted: " << full.substr(0, length));
  }
  for (const char* cut : {"@asio|1.000002|>", "@asio|1.000002|<7", "@asio|1.000002|~", "@asio|1.000001|0^1|in 'main' (a.cpp:",
                          "@asio|1.000001|0^1|in 'main' (a.cpp:12", "@asio|1.000001|0^1|in 'main", "@asio|1.0000"}) {
    BOOST_TEST(!parse_log_line(cut).has_value(), "accepted: " << cut);
  }
}

BOOST_AUTO_TEST_CASE(rejects_damaged_and_foreign_lines) {
  for (const char* bad : {
           "", "hello", "asio|1.000001|>1|", " @asio|1.000001|>1|", "@asio|1.1|>1|",  // microseconds are 6 digits
           "@asio|x.000001|>1|", "@asio|1.000001|>0|",                                 // ids start at 1
           "@asio|1.000001|>99999999999999999999999|",                                 // overflow
           "@asio|1.000001|<1|trailing", "@asio|1.000001|?1|", "@asio|1.000001|0*0|io_context@0x1.execute",
           "@asio|1.000001|0*1|io_context.execute", "@asio|1.000001|0*1|@0x1.execute", "@asio|1.000001|0*1|io_context@0x1.",
           "@asio|1.000001|0^1|at 'main' (a.cpp:1)", "@asio|1.000001|0^1|in 'main' (a.cpp:x)", "@asio|1.000001|0^1|in 'main' (a.cpp)",
           "@asio|1.000001|0^1|in 'main' (a.cpp:99999999999)", "@asio|1.000001|.1|",
           "@asio|99999999999999999999.000001|>1|"}) {
    BOOST_TEST(!parse_log_line(bad).has_value(), "accepted: " << bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace loopcheck::handler_log
