#pragma once
// `--report FORMAT:PATH` (text, json, junit, sarif, html; repeatable) and `--source-root DIR`, as
// every command that writes reports takes them: run, replay, merge, selftest, analyze and
// sanitizer-report.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/harness/html_report.hpp"
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

enum class report_format : std::uint8_t { text, json, junit, sarif, html };

struct report_file {
  report_format format = report_format::text;
  std::string path;
};

struct report_plan {
  std::vector<report_file> files;
  harness::sarif_settings sarif;

  bool wants(report_format format) const;
};

// A bad FORMAT:PATH or an unwritable path: a usage error (exit 2).
class report_spec_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses each FORMAT:PATH and checks each path can be written before any work is done, so an
// unwritable path fails fast (exit 2) and nothing runs for nothing.
report_plan open_report_files(const report_options& options);

// Checks that `path` can be written, the way report files are written (write_file_replacing):
// a report_spec_error naming `what` when it cannot.
void check_writable(const std::string& path, std::string_view what);

// Writes `path` whole or not at all: into a temporary file beside it, renamed over it once
// written, so a failed write never leaves a partial file in place of an older one. Throws
// std::runtime_error when it cannot.
void write_file_replacing(const std::string& path, const std::function<void(std::ostream&)>& write);

// JSON, JUnit, SARIF and HTML through harness; the text report is the command's own summary,
// written by `write_text`. `timeline` is the first failing run's, for the HTML report. Throws
// std::runtime_error when a file cannot be written.
void write_report_files(const report_plan& plan, const harness::campaign_result& result, harness::verdict_rule rule,
                        const std::function<void(std::ostream&)>& write_text,
                        const harness::html_timeline& timeline = {});

}  // namespace loopcheck::runner
