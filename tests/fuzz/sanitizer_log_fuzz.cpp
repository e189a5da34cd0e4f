// Sanitizer logs as `loopcheck sanitizer-report` and isolated runs read them
// (loopcheck/harness/sanitizer_log.hpp, sanitizer_report_set.hpp): any bytes are read — what
// is not a report is counted, not fatal — never an exception, a crash or an unbounded
// allocation. Each report's text and stack stay within their documented bounds, and the
// in-memory reader (parse_sanitizer_log) finds as many reports as the line-by-line parser.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_contract.hpp"
#include "loopcheck/harness/sanitizer_log.hpp"
#include "loopcheck/harness/sanitizer_report_set.hpp"

namespace harness = loopcheck::harness;
using loopcheck_fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view log(reinterpret_cast<const char*>(data), size);
  harness::sanitizer_report_set reports;
  harness::sanitizer_log_parser parser([&](harness::sanitizer_report&& report) {
    require(report.text.size() <= harness::sanitizer_log_parser::max_report_bytes, "a report's text past its bound");
    require(report.stack.size() <= harness::sanitizer_log_parser::max_stack_frames, "a report's stack past its bound");
    require(!harness::headline(report).empty(), "a report without a headline");
    reports.add(std::move(report), "fuzz");
  });
  std::istringstream in{std::string(log)};
  std::string line;
  while (std::getline(in, line)) parser.add_line(line);  // bounded by the input
  parser.finish();
  require(parser.lines_not_understood() <= parser.lines(), "more lines not understood than lines");
  for (const auto& entry : reports.entries()) require(!to_finding(entry).message.empty(), "a finding without a message");
  require(harness::parse_sanitizer_log(log).size() == reports.reports(),
          "parse_sanitizer_log and the line parser disagree on the number of reports");
  return 0;
}
