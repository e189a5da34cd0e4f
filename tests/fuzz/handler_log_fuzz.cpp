// Asio's handler-tracking log as `loopcheck analyze` reads it (loopcheck/handler_log/):
// line_reader, parse_log_line, the streaming analyzer and the findings. Any bytes are read —
// lines that are not handler tracking are counted, not fatal — never an exception, a crash or
// an unbounded allocation; every line lands in exactly one count.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_contract.hpp"
#include "loopcheck/handler_log/analyzer.hpp"
#include "loopcheck/handler_log/to_findings.hpp"

namespace handler_log = loopcheck::handler_log;
using loopcheck_fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const auto log = handler_log::analyze_stream(in);
  require(log.tracking_lines + log.foreign_lines + log.malformed_lines == log.lines,
          "a line counted in none or several of tracking, foreign and malformed");
  const auto findings = handler_log::to_findings(log);
  require(findings.size() <= log.problems.size(), "more findings than problems");
  require(!handler_log::describe_reading(log).empty(), "an empty description of the reading");
  return 0;
}
