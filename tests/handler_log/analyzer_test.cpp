// The operation model: what stays live, what becomes a problem, what is counted, and that the
// live table stays bounded however long the log is.
#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <istream>
#include <streambuf>
#include <string>

#include "loopcheck/handler_log/analyzer.hpp"
#include "log_text.hpp"

namespace loopcheck::handler_log {
namespace {

using testing::analyze_text;

BOOST_AUTO_TEST_SUITE(operation_model)

BOOST_AUTO_TEST_CASE(a_real_log_gives_its_three_problems) {
  const auto log = analyze_text(std::string(testing::real_log));
  BOOST_TEST(log.lines == 22u);
  BOOST_TEST(log.tracking_lines == 22u);
  BOOST_TEST(log.lines_not_understood() == 0u);
  BOOST_TEST(log.operations_created == 6u);
  BOOST_TEST_REQUIRE(log.problems.size() == 3u);
  BOOST_TEST(log.problems[0].op.id == 2u);
  BOOST_TEST(static_cast<int>(log.problems[0].what) == static_cast<int>(problem_kind::destroyed_uninvoked));
  BOOST_TEST(log.problems[1].op.id == 3u);
  BOOST_TEST(log.problems[1].op.ancestors[0].id == 2u);
  BOOST_TEST(log.problems[2].op.id == 6u);
  BOOST_TEST(static_cast<int>(log.problems[2].what) == static_cast<int>(problem_kind::exception));
  // The posted handler has no location; its site is inherited from the wait that created it.
  const auto& posted = log.problems[2].op;
  BOOST_TEST(posted.location_count == 0u);
  BOOST_TEST_REQUIRE(posted.user_site != none);
  BOOST_TEST(log.locations[posted.user_site].func == "schedule_failing_work");
  BOOST_TEST(log.locations[posted.user_site].line == 16u);
  BOOST_TEST(posted.ancestor_count == 2u);
  BOOST_TEST(log.kinds[posted.ancestors[1].kind] == "io_context.execute");
  BOOST_TEST(!posted.chain_cut);
}

BOOST_AUTO_TEST_CASE(pending_and_running_operations_are_problems_at_the_end) {
  const auto log = analyze_text(
      "@asio|1.000001|0*1|io_context@0x1.execute\n"
      "@asio|1.000002|>1|\n"
      "@asio|1.000003|1*2|socket@0x2.async_read_some\n");
  BOOST_TEST_REQUIRE(log.problems.size() == 2u);
  BOOST_TEST(static_cast<int>(log.problems[0].what) == static_cast<int>(problem_kind::running_at_end));
  BOOST_TEST(static_cast<int>(log.problems[1].what) == static_cast<int>(problem_kind::pending_at_end));
  BOOST_TEST(log.problems[1].time_us == 1'000'003u);
}

BOOST_AUTO_TEST_CASE(a_clean_log_has_no_problems) {
  const auto log = analyze_text(
      "@asio|1.000001|0*1|io_context@0x1.execute\n"
      "@asio|1.000002|0*2|deadline_timer@0x2.async_wait\n"
      "@asio|1.000003|0|deadline_timer@0x2.cancel\n"
      "@asio|1.000004|>1|\n@asio|1.000005|<1|\n"
      "@asio|1.000006|>2|ec=system:125\n@asio|1.000007|.2|non_blocking_recv,ec=system:0\n@asio|1.000008|<2|\n");
  BOOST_TEST(log.problems.empty());
  BOOST_TEST(log.peak_live_operations == 2u);
}

BOOST_AUTO_TEST_CASE(interleaved_threads_keep_each_operations_locations) {
  // Two threads create operations at once: their location lines interleave before the `*`.
  const auto log = analyze_text(
      "@asio|1.000001|0^1|in 'a' (a.cpp:1)\n"
      "@asio|1.000001|0^2|in 'b' (b.cpp:2)\n"
      "@asio|1.000001|0^1|called from 'main' (a.cpp:10)\n"
      "@asio|1.000002|0*2|socket@0x2.async_read_some\n"
      "@asio|1.000001|0*1|socket@0x1.async_read_some\n");  // time steps back: another thread
  BOOST_TEST_REQUIRE(log.problems.size() == 2u);
  BOOST_TEST(log.problems[0].op.location_count == 2u);
  BOOST_TEST(log.locations[log.problems[0].op.locations[1]].func == "main");
  BOOST_TEST(log.problems[1].op.location_count == 1u);
  BOOST_TEST(log.locations[log.problems[1].op.locations[0]].file == "b.cpp");
  BOOST_TEST(log.last_time_us == 1'000'002u);
}

BOOST_AUTO_TEST_CASE(counts_lines_it_does_not_understand_and_events_it_cannot_place) {
  const auto log = analyze_text(
      "the program's own output\n"
      "@asio|1.000001|0*1|io_context@0x1.execute\n"
      "@asio|1.0000\n"                                      // truncated
      "torn @asio|1.000002|>1|\n"                           // a record behind other text
      "@asio|1.000003|<9|\n"                                // never created in this log
      "@asio|1.000004|<1|\n"
      "@asio|1.000005|<");                                  // the last line, cut short
  BOOST_TEST(log.lines == 7u);
  BOOST_TEST(log.foreign_lines == 1u);
  BOOST_TEST(log.malformed_lines == 2u);
  BOOST_TEST(log.tracking_lines == 4u);
  BOOST_TEST(log.records_after_other_text == 1u);
  BOOST_TEST(log.events_for_unknown_operations == 1u);
  BOOST_TEST(log.problems.empty());
}

BOOST_AUTO_TEST_CASE(a_long_chain_keeps_its_nearest_ancestors_and_the_users_site) {
  // A coroutine awaiting in a loop: each operation is created by the previous one's handler.
  constexpr std::uint64_t depth = 50;
  std::string text = "@asio|1.000001|0^1|in 'loop' (user.cpp:5)\n@asio|1.000001|0*1|deadline_timer@0x1.async_wait\n";
  for (std::uint64_t id = 1; id < depth; ++id) {
    text += fmt::format("@asio|1.000002|>{}|\n@asio|1.000002|{}^{}|in 'wait' (/usr/include/boost/asio/x.hpp:1)\n", id, id, id + 1);
    text += fmt::format("@asio|1.000002|{}*{}|deadline_timer@0x1.async_wait\n@asio|1.000003|<{}|\n", id, id + 1, id);
  }
  const auto log = analyze_text(text);
  BOOST_TEST(log.peak_live_operations == 2u);
  BOOST_TEST_REQUIRE(log.problems.size() == 1u);
  const auto& op = log.problems[0].op;
  BOOST_TEST(op.id == depth);
  BOOST_TEST(op.ancestor_count == operation::max_chain_links);
  BOOST_TEST(op.ancestors[0].id == depth - 1);
  BOOST_TEST(op.chain_cut);
  BOOST_TEST_REQUIRE(op.user_site != none);
  BOOST_TEST(log.locations[op.user_site].file == "user.cpp");
}

BOOST_AUTO_TEST_CASE(problems_past_the_limit_are_counted_not_kept) {
  std::string text;
  constexpr std::uint64_t pending = log_analyzer::max_problems + 3;
  for (std::uint64_t id = 1; id <= pending; ++id) text += fmt::format("@asio|1.000001|0*{}|socket@0x1.async_read_some\n", id);
  const auto log = analyze_text(text);
  BOOST_TEST(log.problems.size() == log_analyzer::max_problems);
  BOOST_TEST(log.problems_not_kept == 3u);
  BOOST_TEST(log.problems.back().op.id == log_analyzer::max_problems);  // the lowest ids are kept
}

// A log made on the fly, never stored: `triples` operations, each created by the previous
// one's handler (a coroutine awaiting in a loop) and then entered and returned from.
class generated_log : public std::streambuf {
 public:
  explicit generated_log(std::uint64_t triples) : triples_(triples) {}

 protected:
  int_type underflow() override {
    if (next_id_ > triples_) return traits_type::eof();
    const std::uint64_t id = next_id_++;
    buffer_ = fmt::format("@asio|{}.{:06}|{}*{}|deadline_timer@0x55c7c63ad0a0.async_wait\n", 1700000000 + id / 1'000'000,
                          id % 1'000'000, id - 1, id);
    if (id > 1) buffer_ += fmt::format("@asio|1700000000.000001|<{}|\n", id - 1);
    buffer_ += fmt::format("@asio|1700000000.000001|>{}|ec=system:0\n", id);
    if (id == triples_) buffer_ += fmt::format("@asio|1700000000.000001|<{}|\n", id);
    setg(buffer_.data(), buffer_.data(), buffer_.data() + buffer_.size());
    return traits_type::to_int_type(buffer_.front());
  }

 private:
  std::uint64_t triples_;
  std::uint64_t next_id_ = 1;
  std::string buffer_;
};

BOOST_AUTO_TEST_CASE(a_long_log_keeps_only_the_live_operations) {
  // Millions in a plain build; a sanitizer build checks the same code for memory errors, not
  // for scale, and runs it 20 to 100 times slower.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  constexpr std::uint64_t triples = 100'000;
#else
  constexpr std::uint64_t triples = 2'000'000;
#endif
  generated_log source(triples);
  std::istream in(&source);
  const auto log = analyze_stream(in);
  BOOST_TEST(log.lines == 3 * triples);
  BOOST_TEST(log.lines_not_understood() == 0u);
  BOOST_TEST(log.operations_created == triples);
  BOOST_TEST(log.problems.empty());
  // The handler running creates the next operation before it returns: two live at once.
  BOOST_TEST(log.peak_live_operations == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace loopcheck::handler_log
