#pragma once
// An outcome matrix: a family that runs each seed under several conditions (loop-startup's host
// start-up profiles) records, per condition, what that part of the run reported; reports draw a
// family's matrix as a grid, a row per variant and a column per condition.
//
// It travels as scenario metrics, so it is summed over seeds, jobs and merged shards like every
// other metric: per run and column, `matrix.<column>.runs` = 1, `matrix.<column>.findings` = 1
// when that part had findings, and `matrix.<column>.kind.<finding kind>` = 1 per kind it saw.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/harness/campaign.hpp"

namespace loopcheck::harness {

// Adds the metrics of the part of one run that ran under `column`.
void record_matrix_cell(run_result& result, std::string_view column, const std::vector<finding>& findings);

struct matrix_cell {
  std::uint64_t runs = 0;
  std::uint64_t runs_with_findings = 0;
  std::map<finding_kind, std::uint64_t> runs_by_kind;  // runs that saw a finding of the kind
};

// A target's cells by column; empty for a target that records no matrix.
std::map<std::string, matrix_cell> matrix_cells(const target_result& t);

// "ok" when no run had findings; otherwise the kinds seen and in how many runs, e.g.
// "caught: invariant 20/20" (a bug variant caught by them) or "FINDINGS: leaked_task 3/20".
std::string cell_text(const target_result& t, const matrix_cell& cell);

}  // namespace loopcheck::harness
