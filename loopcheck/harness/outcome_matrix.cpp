#include "loopcheck/harness/outcome_matrix.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace loopcheck::harness {

namespace {

constexpr std::string_view prefix = "matrix.";
constexpr std::string_view kind_infix = ".kind.";
constexpr std::string_view runs_suffix = ".runs";
constexpr std::string_view findings_suffix = ".findings";

std::string without(std::string_view text, std::string_view suffix) { return std::string(text.substr(0, text.size() - suffix.size())); }

}  // namespace

void record_matrix_cell(run_result& result, std::string_view column, const std::vector<finding>& findings) {
  result.metrics[fmt::format("{}{}{}", prefix, column, runs_suffix)] = 1;
  result.metrics[fmt::format("{}{}{}", prefix, column, findings_suffix)] = findings.empty() ? 0 : 1;
  std::set<finding_kind> kinds;
  for (const auto& f : findings) kinds.insert(f.kind);
  for (const auto kind : kinds) result.metrics[fmt::format("{}{}{}{}", prefix, column, kind_infix, to_string(kind))] = 1;
}

std::map<std::string, matrix_cell> matrix_cells(const target_result& t) {
  std::map<std::string, matrix_cell> cells;
  for (const auto& [name, sum] : t.metric_sums) {
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    const auto count = static_cast<std::uint64_t>(sum);
    if (const auto at = rest.find(kind_infix); at != std::string_view::npos) {
      if (const auto kind = parse_finding_kind(rest.substr(at + kind_infix.size()))) {
        cells[std::string(rest.substr(0, at))].runs_by_kind[*kind] = count;
      }
    } else if (rest.ends_with(runs_suffix)) {
      cells[without(rest, runs_suffix)].runs = count;
    } else if (rest.ends_with(findings_suffix)) {
      cells[without(rest, findings_suffix)].runs_with_findings = count;
    }
  }
  return cells;
}

std::string cell_text(const target_result& t, const matrix_cell& cell) {
  if (cell.runs_with_findings == 0) return "ok";
  std::string kinds;
  bool caught = false;
  for (const auto& [kind, runs] : cell.runs_by_kind) {
    kinds += fmt::format("{}{}", kinds.empty() ? "" : ",", to_string(kind));
    caught = caught || std::find(t.caught_by.begin(), t.caught_by.end(), kind) != t.caught_by.end();
  }
  return fmt::format("{}: {} {}/{}", caught ? "caught" : "FINDINGS", kinds, cell.runs_with_findings, cell.runs);
}

}  // namespace loopcheck::harness
