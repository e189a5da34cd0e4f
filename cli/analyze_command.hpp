#pragma once
// `loopcheck analyze LOG... [--report FORMAT:PATH]... [--source-root DIR]`: Asio's handler-tracking text
// (BOOST_ASIO_ENABLE_HANDLER_TRACKING) read back as findings (loopcheck/handler_log).
#include <CLI/CLI.hpp>
#include <iosfwd>

#include "reading_command.hpp"

namespace loopcheck::cli {

// What the command line gives `analyze` (logs: file names, "-" for standard input).
using analyze_options = reading_options;

// Adds `analyze` to `app`, filling `options`; main asks the result whether it was parsed.
CLI::App* add_analyze_command(CLI::App& app, analyze_options& options);

// Runs the parsed command. Returns the exit code: 0 no findings, 1 findings, 2 usage or input
// error (message on `err`: a missing or unreadable log, one without any handler-tracking line,
// a bad --report). Throws only for internal errors (main: exit 3).
int run_analyze_command(const analyze_options& options, std::istream& stdin_log, std::ostream& out, std::ostream& err);

}  // namespace loopcheck::cli
