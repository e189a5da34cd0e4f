// Properties over damaged copies of a real log: any byte changes, insertions, deletions and cuts
// are read without a crash, every line is counted once, and a cut log loses at most its last line.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstdlib>
#include <rapidcheck.h>
#include <string>
#include <vector>

#include "loopcheck/handler_log/to_findings.hpp"
#include "log_text.hpp"

namespace loopcheck::handler_log {
namespace {

using testing::analyze_text;

enum class damage : std::uint8_t { replace_byte, insert_byte, erase_range, cut };

struct edit {
  damage kind = damage::replace_byte;
  std::size_t at = 0;  // taken modulo the text's size
  char byte = 0;
  std::size_t length = 0;
};

rc::Gen<edit> edit_gen() {
  return rc::gen::build<edit>(
      rc::gen::set(&edit::kind, rc::gen::element(damage::replace_byte, damage::insert_byte, damage::erase_range, damage::cut)),
      rc::gen::set(&edit::at, rc::gen::arbitrary<std::size_t>()),
      // Bytes that matter to the parser are likelier than others.
      rc::gen::set(&edit::byte, rc::gen::oneOf(rc::gen::element('\n', '|', '@', '.', '*', '^', '>', '<', '~', '!', '0', '9', '\''),
                                              rc::gen::arbitrary<char>())),
      rc::gen::set(&edit::length, rc::gen::inRange<std::size_t>(1, 300)));
}

std::string damaged(std::string text, const std::vector<edit>& edits) {
  for (const auto& e : edits) {
    if (text.empty()) break;
    const std::size_t at = e.at % text.size();
    switch (e.kind) {
      case damage::replace_byte: text[at] = e.byte; break;
      case damage::insert_byte: text.insert(at, 1, e.byte); break;
      case damage::erase_range: text.erase(at, e.length); break;
      case damage::cut: text.resize(at); break;
    }
  }
  return text;
}

std::uint64_t line_count(const std::string& text) {
  const auto newlines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
  return newlines + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

BOOST_AUTO_TEST_SUITE(damaged_log)

BOOST_AUTO_TEST_CASE(any_damage_is_read_without_a_crash_and_every_line_is_counted_once) {
  ::setenv("RC_PARAMS", "seed=20261201 max_success=1000", 0);
  const bool ok = rc::check("damaged real logs", [] {
    const auto edits = *rc::gen::resize(12, rc::gen::container<std::vector<edit>>(edit_gen()));
    const std::string text = damaged(std::string(testing::real_log), edits);
    const auto log = analyze_text(text);
    RC_ASSERT(log.overlong_lines == 0u);  // the real log's lines are short, and edits keep them so
    RC_ASSERT(log.lines == line_count(text));
    RC_ASSERT(log.tracking_lines + log.foreign_lines + log.malformed_lines == log.lines);
    RC_ASSERT(log.problems.size() <= log.operations_created);
    const auto findings = to_findings(log);
    RC_ASSERT(findings.size() <= log.problems.size());
    RC_ASSERT(!describe_reading(log).empty());
  });
  BOOST_TEST(ok);
}

BOOST_AUTO_TEST_CASE(a_cut_log_loses_at_most_its_last_line) {
  const std::string full(testing::real_log);
  // Every cut, not a sample: the log is short.
  for (std::size_t length = 1; length < full.size(); ++length) {
    const std::string text = full.substr(0, length);
    const auto log = analyze_text(text);
    const auto complete_lines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    // The cut line may have lost even its "@asio|".
    BOOST_TEST_REQUIRE(log.foreign_lines + log.malformed_lines <= 1u, "cut at " << length);
    BOOST_TEST_REQUIRE(log.tracking_lines >= complete_lines, "cut at " << length);
    BOOST_TEST_REQUIRE(log.lines == line_count(text));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace loopcheck::handler_log
