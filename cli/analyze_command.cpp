// `loopcheck analyze LOG...`: each log (a file, or `-` for standard input) is read streaming and
// analyzed on its own (loopcheck/handler_log); the findings of all are combined. The text
// summary goes to stdout and to any text report; JSON and JUnit reports are the `run` reports'
// shapes (docs/asio-tracking.md): one target per log, family `analyze`, variant the log's name.
#include "analyze_command.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reading_command.hpp"
#include "loopcheck/handler_log/analyzer.hpp"
#include "loopcheck/handler_log/to_findings.hpp"
#include "loopcheck/runner/command_line.hpp"
#include "loopcheck/runner/report_files.hpp"

namespace loopcheck::cli {

namespace {

namespace runner = loopcheck::runner;

constexpr std::string_view stdin_name = "-";

struct analyzed_log {
  std::string name;
  handler_log::analysis analysis;
  std::vector<finding> findings;
  double wall_seconds = 0;
};

analyzed_log analyze_one(const std::string& name, std::istream& in) {
  const auto start = std::chrono::steady_clock::now();
  analyzed_log log{name, {}, {}, 0};
  try {
    log.analysis = handler_log::analyze_stream(in);
  } catch (const std::runtime_error& e) {
    throw input_error(fmt::format("cannot read log '{}': {}", name, e.what()));
  }
  if (log.analysis.tracking_lines == 0) {
    throw input_error(fmt::format(
        "'{}' holds no handler-tracking line (@asio|...) in {} lines: was the program built with "
        "-DBOOST_ASIO_ENABLE_HANDLER_TRACKING, and its standard error captured?",
        name, log.analysis.lines));
  }
  log.findings = handler_log::to_findings(log.analysis);
  log.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return log;
}

// The reports' shape: a log is a target run once, its findings that run's.
harness::campaign_result as_campaign(const std::vector<analyzed_log>& logs) {
  harness::campaign_result result;
  for (const auto& log : logs) {
    harness::target_result t;
    t.family = "analyze";
    t.variant = log.name;
    t.seeds_run = 1;
    t.seeds_with_findings = log.findings.empty() ? 0 : 1;
    if (!log.findings.empty()) t.first_seed_with_findings = 0;
    t.first_findings = log.findings;
    const auto& a = log.analysis;
    t.metric_sums = {{"lines", static_cast<double>(a.lines)},
                     {"lines_not_understood", static_cast<double>(a.lines_not_understood())},
                     {"operations", static_cast<double>(a.operations_created)},
                     {"peak_live_operations", static_cast<double>(a.peak_live_operations)},
                     {"events_for_unknown_operations", static_cast<double>(a.events_for_unknown_operations)}};
    t.wall_seconds = log.wall_seconds;
    result.runs += 1;
    result.wall_seconds += log.wall_seconds;
    result.targets.push_back(std::move(t));
  }
  return result;
}

void write_summary(std::ostream& out, const std::vector<analyzed_log>& logs) {
  std::size_t findings = 0;
  for (const auto& log : logs) {
    fmt::print(out, "{}: {}\n", log.name, handler_log::describe_reading(log.analysis));
    for (const auto& f : log.findings) fmt::print(out, "  {}\n", format(f));
    findings += log.findings.size();
  }
  fmt::print(out, "{} log(s), {} finding(s)\n", logs.size(), findings);
}

}  // namespace

CLI::App* add_analyze_command(CLI::App& app, analyze_options& options) {
  return add_reading_command(
      app, "analyze",
      "Read Asio handler-tracking logs (BOOST_ASIO_ENABLE_HANDLER_TRACKING on stderr; - for stdin): operations "
      "pending at the end, destroyed without being invoked, or left by exception; exit 1 when there are any",
      "Handler-tracking logs to read, each on its own", options);
}

int run_analyze_command(const analyze_options& options, std::istream& stdin_log, std::ostream& out, std::ostream& err) {
  return run_reading_command("analyze", err, [&] {
    const auto& names = options.logs;
    const auto reports = runner::open_report_files(options.reports);
    // Every log is opened before any is read: a typo fails at once.
    std::vector<std::unique_ptr<std::ifstream>> files;
    for (const auto& name : names) {
      if (name == stdin_name) {
        if (std::count(names.begin(), names.end(), name) > 1) throw input_error("'-' (standard input) given twice");
        files.push_back(nullptr);
        continue;
      }
      auto file = std::make_unique<std::ifstream>(name, std::ios::binary);
      if (!*file) throw input_error(fmt::format("cannot open log '{}'", name));
      files.push_back(std::move(file));
    }
    std::vector<analyzed_log> logs;
    for (std::size_t i = 0; i < names.size(); ++i) {
      logs.push_back(analyze_one(names[i] == stdin_name ? "stdin" : names[i], files[i] ? *files[i] : stdin_log));
      files[i].reset();
    }
    write_summary(out, logs);
    const auto result = as_campaign(logs);
    runner::write_report_files(reports, result, harness::verdict_rule::gate,
                               [&](std::ostream& text) { write_summary(text, logs); });
    return result.findings() == 0 ? runner::exit_ok : runner::exit_findings;
  });
}

}  // namespace loopcheck::cli
