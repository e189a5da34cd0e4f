#pragma once
// `loopcheck sanitizer-report LOG... [--report FORMAT:PATH]... [--source-root DIR]`: the reports
// AddressSanitizer, LeakSanitizer, UBSan and ThreadSanitizer wrote to `log_path` files (a whole
// test suite's; docs/ci.md) read back, deduplicated by their top frames
// (harness/sanitizer_report_set.hpp), as findings in the reports `run` writes.
#include <CLI/CLI.hpp>
#include <iosfwd>

#include "reading_command.hpp"

namespace loopcheck::cli {

// What the command line gives `sanitizer-report` (logs: files, or directories whose files are
// all read).
using sanitizer_report_options = reading_options;

CLI::App* add_sanitizer_report_command(CLI::App& app, sanitizer_report_options& options);

// Returns the exit code: 0 no report, 1 reports found, 2 usage or input error (message on
// `err`: a missing or unreadable log, a bad --report). Throws only for internal errors.
int run_sanitizer_report_command(const sanitizer_report_options& options, std::ostream& out, std::ostream& err);

}  // namespace loopcheck::cli
