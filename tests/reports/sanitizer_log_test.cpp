#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "loopcheck/harness/sanitizer_log.hpp"
#include "loopcheck/harness/sanitizer_report_set.hpp"

namespace harness = loopcheck::harness;

namespace {

struct parsed {
  std::vector<harness::sanitizer_report> reports;
  std::uint64_t not_understood = 0;
  std::uint64_t truncated = 0;
};

parsed parse(const std::vector<std::string>& lines) {
  parsed out;
  harness::sanitizer_log_parser parser([&](harness::sanitizer_report&& r) { out.reports.push_back(std::move(r)); });
  for (const auto& line : lines) parser.add_line(line);
  parser.finish();
  out.not_understood = parser.lines_not_understood();
  out.truncated = parser.reports_truncated();
  return out;
}

// A TSan report as ThreadSanitizer writes it (no pc, no "in", module and offset at the end).
std::vector<std::string> tsan_report(const std::string& pid, const std::string& offset) {
  return {"==================",
          "WARNING: ThreadSanitizer: data race (pid=" + pid + ")",
          "  Write of size 4 at 0x5581 by thread T2:",
          "    #0 bump() /src/race.cpp:10 (race+" + offset + ")",
          "    #1 void std::__invoke_impl<void, void (*)()>(std::__invoke_other, void (*&&)()) /usr/include/c++/12/bits/invoke.h:61 (race+0x2)",
          "    #2 <null> <null> (libstdc++.so.6+0xd44a2)",
          "",
          "SUMMARY: ThreadSanitizer: data race /src/race.cpp:10 in bump()",
          "=================="};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sanitizer_log_parsing)

BOOST_AUTO_TEST_CASE(tsan_frames_are_read_with_function_place_and_site) {
  const auto out = parse(tsan_report("1", "0x1"));
  BOOST_REQUIRE(out.reports.size() == 1u);
  const auto& stack = out.reports[0].stack;
  BOOST_REQUIRE(stack.size() == 3u);
  BOOST_TEST(stack[0].function == "bump()");
  BOOST_TEST(stack[0].place == "/src/race.cpp:10");
  BOOST_TEST(stack[1].function == "void std::__invoke_impl<void, void (*)()>(std::__invoke_other, void (*&&)())");
  BOOST_TEST(stack[2].function == "<null> <null>");
  BOOST_TEST(stack[2].place == "(libstdc++.so.6+0xd44a2)");  // unsymbolized: module and offset
  BOOST_TEST(!stack[2].site.has_value());
  BOOST_TEST(harness::bug_type(out.reports[0]) == "data race");
  BOOST_TEST(out.not_understood == 0u);
}

BOOST_AUTO_TEST_CASE(the_site_skips_the_sanitizer_runtime_and_the_key_ignores_pc_and_pid) {
  auto log = [](const std::string& pid, const std::string& pc) {
    return std::vector<std::string>{
        "=================================================================",
        "==" + pid + "==ERROR: LeakSanitizer: detected memory leaks",
        "",
        "Direct leak of 64 byte(s) in 1 object(s) allocated from:",
        "    #0 " + pc + " in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69",
        "    #1 " + pc + " in lose_a_buffer() /src/leak.cpp:8",
        "    #2 " + pc + " in main /src/leak.cpp:13",
        "",
        "SUMMARY: AddressSanitizer: 64 byte(s) leaked in 1 allocation(s)."};
  };
  const auto first = parse(log("11", "0x55d1"));
  const auto second = parse(log("12", "0x7f00"));
  BOOST_REQUIRE(first.reports.size() == 1u);
  const auto site = harness::report_site(first.reports[0]);
  BOOST_REQUIRE(site.has_value());
  BOOST_TEST(site->file == "/src/leak.cpp");
  BOOST_TEST(site->line == 8u);
  BOOST_TEST(harness::dedup_key(first.reports[0]) == harness::dedup_key(second.reports[0]));
  // Another top frame is another bug.
  auto other = log("11", "0x55d1");
  other[5] = "    #1 0x55d1 in lose_another() /src/leak.cpp:20";
  BOOST_TEST(harness::dedup_key(parse(other).reports[0]) != harness::dedup_key(first.reports[0]));
}

BOOST_AUTO_TEST_CASE(only_the_top_three_frames_are_the_key) {
  auto deep = tsan_report("1", "0x1");
  deep.insert(deep.begin() + 6, "    #3 caller_a() /src/a.cpp:1 (race+0x3)");
  auto other_caller = tsan_report("2", "0x1");
  other_caller.insert(other_caller.begin() + 6, "    #3 caller_b() /src/b.cpp:2 (race+0x4)");
  harness::sanitizer_report_set set;
  set.add(std::move(parse(deep).reports[0]), "test_a");
  set.add(std::move(parse(other_caller).reports[0]), "test_b");
  set.add(std::move(parse(deep).reports[0]), "test_a");
  BOOST_REQUIRE(set.entries().size() == 1u);
  BOOST_TEST(set.entries()[0].occurrences == 3u);
  BOOST_TEST(set.entries()[0].sources == (std::vector<std::string>{"test_a", "test_b"}));
  const auto f = harness::to_finding(set.entries()[0]);
  BOOST_TEST(f.message.starts_with("at /src/race.cpp:10: ThreadSanitizer: data race"));
  BOOST_TEST(f.message.find("(3 occurrence(s), from test_a, test_b)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_ubsan_report_ends_with_its_stack_and_needs_no_summary) {
  const auto out = parse({"/src/add.cpp:7:14: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented",
                          "    #0 0x5629 in add(int, int) /src/add.cpp:7", "", "unrelated text"});
  BOOST_REQUIRE(out.reports.size() == 1u);
  BOOST_TEST(!out.reports[0].truncated);
  BOOST_TEST(out.truncated == 0u);
  BOOST_TEST(harness::headline(out.reports[0]) ==
             "UndefinedBehaviorSanitizer: signed integer overflow: 2147483647 + 1 cannot be represented");
  BOOST_TEST(harness::bug_type(out.reports[0]) == "signed integer overflow");
  BOOST_TEST(harness::report_site(out.reports[0])->line == 7u);
  BOOST_TEST(out.not_understood == 1u);  // "unrelated text": after the report, outside any
}

BOOST_AUTO_TEST_CASE(a_report_cut_by_the_next_one_is_truncated_and_kept) {
  auto lines = tsan_report("1", "0x1");
  lines.resize(4);  // header and one frame, no SUMMARY
  const auto next = tsan_report("1", "0x9");
  lines.insert(lines.end(), next.begin(), next.end());
  const auto out = parse(lines);
  BOOST_REQUIRE(out.reports.size() == 2u);
  BOOST_TEST(out.reports[0].truncated);
  BOOST_TEST(harness::headline(out.reports[0]) == "truncated report: ThreadSanitizer: data race (pid=1)");
  BOOST_TEST(!out.reports[1].truncated);
  BOOST_TEST(out.truncated == 1u);
}

BOOST_AUTO_TEST_CASE(a_runaway_report_is_cut_at_its_bound_and_says_so) {
  std::vector<std::string> lines{"==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000"};
  const std::string filler(1000, 'x');
  const std::size_t filler_lines = 2 * harness::sanitizer_log_parser::max_report_bytes / filler.size();
  for (std::size_t i = 0; i < filler_lines; ++i) lines.push_back("  " + filler);
  lines.emplace_back("SUMMARY: AddressSanitizer: SEGV /src/a.cpp:1 in main");
  const auto out = parse(lines);
  BOOST_REQUIRE(out.reports.size() == 1u);
  const auto& r = out.reports[0];
  BOOST_TEST(r.text.size() <= harness::sanitizer_log_parser::max_report_bytes + 200);
  BOOST_TEST(r.lines_left_out > 0u);
  BOOST_TEST(r.summary == "AddressSanitizer: SEGV /src/a.cpp:1 in main");  // still read past the bound
  BOOST_TEST(r.text.find("more line(s) of this report left out") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
