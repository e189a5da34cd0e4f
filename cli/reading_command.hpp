#pragma once
// What the commands that read the user's log files (analyze, sanitizer-report) share: their
// command line (LOG... plus the report options) and their input errors — a missing or
// unreadable log, one of the wrong kind, a bad --report — each the user's to fix: one line
// naming the command and what is wrong, exit 2.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"
#include "loopcheck/runner/report_files.hpp"

namespace loopcheck::cli {

// What the command line gives such a command; it must outlive parsing.
struct reading_options {
  std::vector<std::string> logs;
  runner::report_options reports;
};

// Adds the command NAME with a required LOG... argument and the report options.
CLI::App* add_reading_command(CLI::App& app, const std::string& name, const std::string& description,
                              const std::string& logs_help, reading_options& options);

// Returns what `body` returns; an input_error or a report_spec_error thrown by it is printed on
// `err` as "loopcheck COMMAND: what" and returns 2. Anything else propagates (main: exit 3).
int run_reading_command(std::string_view command, std::ostream& err, const std::function<int()>& body);

}  // namespace loopcheck::cli
