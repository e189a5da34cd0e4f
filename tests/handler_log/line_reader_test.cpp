// Lines come out bounded: an overlong line is skipped and counted, a last line without its
// newline is still a line, and nothing depends on how the stream is chunked.
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "loopcheck/handler_log/line_reader.hpp"

namespace loopcheck::handler_log {
namespace {

std::vector<std::string> all_lines(line_reader& reader) {
  std::vector<std::string> lines;
  while (const auto line = reader.next()) lines.emplace_back(*line);
  return lines;
}

BOOST_AUTO_TEST_SUITE(line_reader_bounds)

BOOST_AUTO_TEST_CASE(splits_lines_and_keeps_a_last_line_without_newline) {
  std::istringstream in("a\n\nb\nlast");
  line_reader reader(in);
  const std::vector<std::string> expected{"a", "", "b", "last"};
  BOOST_TEST(all_lines(reader) == expected, boost::test_tools::per_element());
  BOOST_TEST(reader.overlong_lines() == 0u);
}

BOOST_AUTO_TEST_CASE(an_empty_stream_has_no_lines) {
  std::istringstream in("");
  line_reader reader(in);
  BOOST_TEST(all_lines(reader).empty());
}

BOOST_AUTO_TEST_CASE(skips_and_counts_overlong_lines_across_chunks) {
  const std::string longest(line_reader::max_line_bytes, 'x');
  const std::string too_long(line_reader::max_line_bytes + 1, 'y');
  const std::string huge(200 * 1024, 'z');  // several chunks
  std::istringstream in(longest + "\n" + too_long + "\nok\n" + huge + "\n" + huge);
  line_reader reader(in);
  const std::vector<std::string> expected{longest, "ok"};
  BOOST_TEST(all_lines(reader) == expected, boost::test_tools::per_element());
  BOOST_TEST(reader.overlong_lines() == 3u);
}

BOOST_AUTO_TEST_CASE(many_overlong_lines_in_a_row_cost_no_stack) {
  constexpr std::size_t overlong_count = 20'000;
  std::string text;
  const std::string too_long(line_reader::max_line_bytes + 1, 'y');
  for (std::size_t i = 0; i < overlong_count; ++i) text += too_long + "\n";
  std::istringstream in(text + "end\n");
  line_reader reader(in);
  const std::vector<std::string> expected{"end"};
  BOOST_TEST(all_lines(reader) == expected, boost::test_tools::per_element());
  BOOST_TEST(reader.overlong_lines() == overlong_count);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace loopcheck::handler_log
