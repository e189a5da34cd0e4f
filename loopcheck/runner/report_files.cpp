#include "loopcheck/runner/report_files.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

namespace loopcheck::runner {

namespace {

constexpr std::array<std::string_view, 4> formats{"text", "json", "junit", "sarif"};

}  // namespace

void add_report_options(CLI::App& command, report_options& options) {
  command.add_option("--report", options.specs, "Write a report FORMAT:PATH (text, json, junit, sarif; repeatable)");
  command.add_option("--source-root", options.source_root,
                     "SARIF reports name files under DIR relative to it (default: the working directory)")
      ->check(CLI::ExistingDirectory);
}

report_plan open_report_files(const report_options& options) {
  report_plan plan;
  plan.sarif.source_root = options.source_root.empty() ? std::filesystem::current_path()
                                                       : std::filesystem::path(options.source_root);
  for (const auto& spec : options.specs) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos) throw report_spec_error(fmt::format("--report '{}' is not FORMAT:PATH", spec));
    report_file r{spec.substr(0, colon), spec.substr(colon + 1)};
    if (std::find(formats.begin(), formats.end(), r.format) == formats.end()) {
      throw report_spec_error(fmt::format("--report format '{}' is not text, json, junit or sarif", r.format));
    }
    if (r.path.empty()) throw report_spec_error(fmt::format("--report '{}' has no path", spec));
    std::ofstream probe(r.path, std::ios::app);
    if (!probe) throw report_spec_error(fmt::format("cannot write report file '{}'", r.path));
    plan.files.push_back(std::move(r));
  }
  return plan;
}

void write_report_files(const report_plan& plan, const harness::campaign_result& result, harness::verdict_rule rule,
                        const std::function<void(std::ostream&)>& write_text) {
  for (const auto& r : plan.files) {
    std::ofstream out(r.path, std::ios::trunc);
    if (r.format == "text") write_text(out);
    else if (r.format == "json") harness::write_json(out, result, rule);
    else if (r.format == "junit") harness::write_junit(out, result, rule);
    else harness::write_sarif(out, result, plan.sarif);
    if (!out) throw std::runtime_error(fmt::format("writing report file '{}' failed", r.path));
  }
}

}  // namespace loopcheck::runner
