#include "loopcheck/harness/sanitizer_log.hpp"

#include <algorithm>
#include <string>

namespace loopcheck::harness {

namespace {

constexpr std::string_view summary_prefix = "SUMMARY: ";

bool is_separator(std::string_view line) {
  return line.size() >= 10 && std::all_of(line.begin(), line.end(), [](char c) { return c == '='; });
}

void add_report(std::vector<finding>& out, const std::string& block) {
  const auto at = block.find(summary_prefix);
  if (at == std::string::npos) return;
  const auto end = block.find('\n', at);
  finding f;
  f.kind = finding_kind::sanitizer_report;
  f.message = block.substr(at + summary_prefix.size(), end == std::string::npos ? std::string::npos : end - at - summary_prefix.size());
  f.evidence = block;
  out.push_back(std::move(f));
}

}  // namespace

std::vector<finding> parse_sanitizer_log(std::string_view log) {
  std::vector<finding> out;
  std::string block;
  while (!log.empty()) {
    const auto newline = log.find('\n');
    const auto line = log.substr(0, newline);
    log.remove_prefix(newline == std::string_view::npos ? log.size() : newline + 1);
    if (is_separator(line)) {
      add_report(out, block);
      block.clear();
    } else {
      block.append(line).push_back('\n');
    }
  }
  add_report(out, block);
  return out;
}

}  // namespace loopcheck::harness
