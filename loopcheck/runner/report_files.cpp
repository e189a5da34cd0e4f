#include "loopcheck/runner/report_files.hpp"

#include <fmt/format.h>
#include <fstream>

namespace loopcheck::runner {

std::vector<report_file> open_report_files(const std::vector<std::string>& specs) {
  std::vector<report_file> out;
  for (const auto& spec : specs) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos) throw report_spec_error(fmt::format("--report '{}' is not FORMAT:PATH", spec));
    report_file r{spec.substr(0, colon), spec.substr(colon + 1)};
    if (r.format != "text" && r.format != "json" && r.format != "junit") {
      throw report_spec_error(fmt::format("--report format '{}' is not text, json or junit", r.format));
    }
    if (r.path.empty()) throw report_spec_error(fmt::format("--report '{}' has no path", spec));
    std::ofstream probe(r.path, std::ios::app);
    if (!probe) throw report_spec_error(fmt::format("cannot write report file '{}'", r.path));
    out.push_back(std::move(r));
  }
  return out;
}

void write_report_files(const std::vector<report_file>& files, const harness::campaign_result& result,
                        harness::verdict_rule rule, const std::function<void(std::ostream&)>& write_text) {
  for (const auto& r : files) {
    std::ofstream out(r.path, std::ios::trunc);
    if (r.format == "text") write_text(out);
    else if (r.format == "json") harness::write_json(out, result, rule);
    else harness::write_junit(out, result, rule);
    if (!out) throw std::runtime_error(fmt::format("writing report file '{}' failed", r.path));
  }
}

}  // namespace loopcheck::runner
