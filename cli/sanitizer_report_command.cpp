// `loopcheck sanitizer-report LOG...`: every log is read line by line in bounded memory
// (handler_log::line_reader), its reports parsed (harness/sanitizer_log.hpp) and gathered into
// one set of distinct bugs. Reports: one target per distinct bug (family: the sanitizer,
// variant: the bug's type and line), run once per occurrence; its finding names the sources.
#include "sanitizer_report_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fstream>
#include <ostream>
#include <regex>
#include <stdexcept>

#include "reading_command.hpp"
#include "loopcheck/handler_log/line_reader.hpp"
#include "loopcheck/harness/finding_site.hpp"
#include "loopcheck/harness/sanitizer_report_set.hpp"
#include "loopcheck/runner/command_line.hpp"

namespace loopcheck::cli {

namespace {

namespace fs = std::filesystem;

// A directory given on the command line is read whole, up to this many files.
constexpr std::size_t max_files_per_directory = 100'000;

struct reading {
  std::uint64_t logs = 0;
  std::uint64_t lines = 0;
  std::uint64_t lines_not_understood = 0;  // overlong lines included
  std::uint64_t reports_truncated = 0;
};

// A sanitizer names its log `<log_path>.<pid>`; the source is `<log_path>`'s file name, which
// the ctest helper makes the test's name (docs/ci.md).
std::string source_of(const fs::path& log) {
  static const std::regex pid_suffix("\\.[0-9]+$");
  return std::regex_replace(log.filename().string(), pid_suffix, "");
}

// The files to read: each file named, and every regular file in each directory named (sorted,
// so reports come out in the same order every time).
std::vector<fs::path> log_files(const std::vector<std::string>& names) {
  std::vector<fs::path> files;
  for (const auto& name : names) {
    std::error_code ec;
    if (!fs::is_directory(name, ec)) {
      if (!fs::exists(name, ec)) throw input_error(fmt::format("cannot open log '{}': no such file", name));
      files.emplace_back(name);
      continue;
    }
    std::vector<fs::path> in_directory;
    for (fs::directory_iterator it(name, ec), end; !ec && it != end; it.increment(ec)) {
      if (in_directory.size() == max_files_per_directory) {
        throw input_error(fmt::format("'{}' holds more than {} files", name, max_files_per_directory));
      }
      if (it->is_regular_file(ec)) in_directory.push_back(it->path());
    }
    if (ec) throw input_error(fmt::format("cannot list '{}': {}", name, ec.message()));
    std::sort(in_directory.begin(), in_directory.end());
    files.insert(files.end(), in_directory.begin(), in_directory.end());
  }
  return files;
}

void read_log(const fs::path& path, harness::sanitizer_report_set& reports, reading& totals) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(fmt::format("cannot open log '{}'", path.string()));
  const auto source = source_of(path);
  harness::sanitizer_log_parser parser([&](harness::sanitizer_report&& r) { reports.add(std::move(r), source); });
  handler_log::line_reader lines(in);
  while (const auto line = lines.next()) parser.add_line(*line);
  if (lines.failed()) throw input_error(fmt::format("cannot read log '{}'", path.string()));
  parser.finish();
  ++totals.logs;
  totals.lines += parser.lines() + lines.overlong_lines();
  totals.lines_not_understood += parser.lines_not_understood() + lines.overlong_lines();
  totals.reports_truncated += parser.reports_truncated();
}

std::string variant_name(const harness::sanitizer_report& r) {
  const auto site = harness::report_site(r);
  if (!site) return harness::bug_type(r);
  return fmt::format("{} at {}:{}", harness::bug_type(r), fs::path(site->file).filename().string(), site->line);
}

harness::campaign_result as_campaign(const harness::sanitizer_report_set& reports) {
  harness::campaign_result result;
  for (const auto& e : reports.entries()) {
    harness::target_result t;
    t.family = e.first.sanitizer;
    t.variant = variant_name(e.first);
    t.seeds_run = e.occurrences;
    t.seeds_with_findings = e.occurrences;
    t.first_seed_with_findings = 0;
    t.first_findings = {harness::to_finding(e)};
    t.metric_sums = {{"occurrences", static_cast<double>(e.occurrences)}};
    result.runs += e.occurrences;
    result.targets.push_back(std::move(t));
  }
  return result;
}

void write_summary(std::ostream& out, const harness::campaign_result& result, const harness::sanitizer_report_set& reports,
                   const reading& totals) {
  for (const auto& t : result.targets) {
    fmt::print(out, "{}: {}\n", t.family, t.variant);
    for (const auto& f : t.first_findings) {
      fmt::print(out, "  {}\n", format(f));
      const auto lines = std::count(f.evidence.begin(), f.evidence.end(), '\n');
      fmt::print(out, "  full report ({} lines): the JSON report's \"evidence\", the JUnit report's system-err\n", lines);
    }
  }
  fmt::print(out, "{} log(s), {} lines: {} report(s), {} distinct\n", totals.logs, totals.lines, reports.reports(),
             reports.entries().size());
  if (totals.lines_not_understood != 0) fmt::print(out, "{} lines not understood, skipped\n", totals.lines_not_understood);
  if (totals.reports_truncated != 0) fmt::print(out, "{} reports truncated (no SUMMARY line), kept\n", totals.reports_truncated);
  if (reports.distinct_not_kept() != 0) {
    fmt::print(out, "{} reports of further distinct bugs not kept (more than {})\n", reports.distinct_not_kept(),
               harness::sanitizer_report_set::max_distinct);
  }
}

}  // namespace

CLI::App* add_sanitizer_report_command(CLI::App& app, sanitizer_report_options& options) {
  return add_reading_command(app, "sanitizer-report",
                             "Read ASan, LSan, UBSan and TSan reports from log_path files (or directories of them), "
                             "deduplicated by their top frames; exit 1 when there are any",
                             "Sanitizer logs (<log_path>.<pid>), or directories holding them", options);
}

int run_sanitizer_report_command(const sanitizer_report_options& options, std::ostream& out, std::ostream& err) {
  return run_reading_command("sanitizer-report", err, [&] {
    const auto plan = runner::open_report_files(options.reports);
    const auto files = log_files(options.logs);
    harness::sanitizer_report_set reports;
    reading totals;
    for (const auto& file : files) read_log(file, reports, totals);
    const auto result = as_campaign(reports);
    write_summary(out, result, reports, totals);
    runner::write_report_files(plan, result, harness::verdict_rule::gate,
                               [&](std::ostream& text) { write_summary(text, result, reports, totals); });
    return reports.reports() == 0 ? runner::exit_ok : runner::exit_findings;
  });
}

}  // namespace loopcheck::cli
