#pragma once
// `--report FORMAT:PATH` (text, json, junit, sarif; repeatable) and `--source-root DIR`, as every
// command that writes reports takes them: run, replay, merge, selftest, analyze and
// sanitizer-report.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/harness/reports.hpp"
#include "loopcheck/harness/sarif_report.hpp"

namespace loopcheck::runner {

// What the command line gives: it must outlive parsing.
struct report_options {
  std::vector<std::string> specs;  // FORMAT:PATH
  std::string source_root;         // SARIF locations are relative to it; empty: the working directory
};

// Adds --report and --source-root to `command`, filling `options`. A --source-root that is not
// an existing directory is a usage error at parse time.
void add_report_options(CLI::App& command, report_options& options);

struct report_file {
  std::string format;  // text, json, junit, sarif
  std::string path;
};

struct report_plan {
  std::vector<report_file> files;
  harness::sarif_settings sarif;
};

// A bad FORMAT:PATH or an unwritable path: a usage error (exit 2).
class report_spec_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses each FORMAT:PATH and opens each path for writing before any work is done, so an
// unwritable path fails fast (exit 2) and nothing runs for nothing.
report_plan open_report_files(const report_options& options);

// JSON, JUnit and SARIF through harness; the text report is the command's own summary, written
// by `write_text`. Throws std::runtime_error when a file cannot be written.
void write_report_files(const report_plan& plan, const harness::campaign_result& result, harness::verdict_rule rule,
                        const std::function<void(std::ostream&)>& write_text);

}  // namespace loopcheck::runner
