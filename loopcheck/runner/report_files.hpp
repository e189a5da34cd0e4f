#pragma once
// `--report FORMAT:PATH` (text, json, junit; repeatable), as every command that writes reports
// takes it: run, merge, selftest and analyze.
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/harness/reports.hpp"

namespace loopcheck::runner {

struct report_file {
  std::string format;  // text, json, junit
  std::string path;
};

// A bad FORMAT:PATH or an unwritable path: a usage error (exit 2).
class report_spec_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses FORMAT:PATH and opens each path for writing before any work is done, so an
// unwritable path fails fast (exit 2) and nothing runs for nothing.
std::vector<report_file> open_report_files(const std::vector<std::string>& specs);

// JSON and JUnit through harness/reports.hpp; the text report is the command's own summary,
// written by `write_text`. Throws std::runtime_error when a file cannot be written.
void write_report_files(const std::vector<report_file>& files, const harness::campaign_result& result,
                        harness::verdict_rule rule, const std::function<void(std::ostream&)>& write_text);

}  // namespace loopcheck::runner
