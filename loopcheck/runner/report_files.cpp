#include "loopcheck/runner/report_files.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>
#include <utility>

namespace loopcheck::runner {

namespace {

constexpr std::array<std::pair<std::string_view, report_format>, 5> formats{{{"text", report_format::text},
                                                                              {"json", report_format::json},
                                                                              {"junit", report_format::junit},
                                                                              {"sarif", report_format::sarif},
                                                                              {"html", report_format::html}}};

// The temporary file beside `path` that write_file_replacing renames over it: in the same
// directory (a rename within one file system), named by this process.
std::string temporary_beside(const std::string& path) { return fmt::format("{}.partial-{}", path, getpid()); }

}  // namespace

void add_report_options(CLI::App& command, report_options& options) {
  command.add_option("--report", options.specs,
                     "Write a report FORMAT:PATH (text, json, junit, sarif, html; repeatable)");
  command.add_option("--source-root", options.source_root,
                     "SARIF reports name files under DIR relative to it (default: the working directory)")
      ->check(CLI::ExistingDirectory);
}

bool report_plan::wants(report_format format) const {
  return std::any_of(files.begin(), files.end(), [&](const report_file& f) { return f.format == format; });
}

void check_writable(const std::string& path, std::string_view what) {
  if (std::filesystem::is_directory(path)) throw report_spec_error(fmt::format("cannot write {} '{}': it is a directory", what, path));
  const auto probe_path = temporary_beside(path);
  const bool writable = static_cast<bool>(std::ofstream(probe_path));
  std::error_code ignored;
  std::filesystem::remove(probe_path, ignored);
  if (!writable) throw report_spec_error(fmt::format("cannot write {} '{}'", what, path));
}

report_plan open_report_files(const report_options& options) {
  report_plan plan;
  plan.sarif.source_root = options.source_root.empty() ? std::filesystem::current_path()
                                                       : std::filesystem::path(options.source_root);
  for (const auto& spec : options.specs) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos) throw report_spec_error(fmt::format("--report '{}' is not FORMAT:PATH", spec));
    const auto name = std::string_view(spec).substr(0, colon);
    const auto known = std::find_if(formats.begin(), formats.end(), [&](const auto& f) { return f.first == name; });
    if (known == formats.end()) {
      throw report_spec_error(fmt::format("--report format '{}' is not text, json, junit, sarif or html", name));
    }
    report_file r{known->second, spec.substr(colon + 1)};
    if (r.path.empty()) throw report_spec_error(fmt::format("--report '{}' has no path", spec));
    check_writable(r.path, "report file");
    plan.files.push_back(std::move(r));
  }
  return plan;
}

void write_file_replacing(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const auto temporary = temporary_beside(path);
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (out) write(out);
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw std::runtime_error(fmt::format("writing '{}' failed", path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error(fmt::format("writing '{}' failed: {}", path, ec.message()));
  }
}

void write_report_files(const report_plan& plan, const harness::campaign_result& result, harness::verdict_rule rule,
                        const std::function<void(std::ostream&)>& write_text, const harness::html_timeline& timeline) {
  for (const auto& r : plan.files) {
    write_file_replacing(r.path, [&](std::ostream& out) {
      switch (r.format) {
        case report_format::text: write_text(out); break;
        case report_format::json: harness::write_json(out, result, rule); break;
        case report_format::junit: harness::write_junit(out, result, rule); break;
        case report_format::sarif: harness::write_sarif(out, result, plan.sarif); break;
        case report_format::html: harness::write_html(out, result, rule, timeline); break;
      }
    });
  }
}

}  // namespace loopcheck::runner
