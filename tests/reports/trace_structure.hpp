#pragma once
// Checks a Chrome trace-event document's structure as loopcheck writes it (docs/reports.md,
// "Traces"): what a viewer needs to draw it right, not only that it parses.
#include <boost/json.hpp>
#include <string>
#include <vector>

namespace loopcheck::test {

struct trace_shape {
  std::vector<std::string> problems;  // empty: the structure holds
  std::size_t tasks = 0;              // task tracks (cat "task" async begins that are not waits)
  std::size_t waits = 0;
  std::size_t flows = 0;            // s/f pairs
  std::size_t findings = 0;         // instant events of cat "finding"
  std::size_t file_operations = 0;  // instant events of cat "fs"
  std::vector<std::string> finding_texts;
};

// - every `b` has its `e` (same pid, cat, id and name), nested per (pid, cat, id), and no `e`
//   without its `b`;
// - timestamps never go back on a track: per (pid, tid) and per async (pid, cat, id);
// - every flow `s` has one `f` with the same id, no earlier;
// - every `X` has a duration;
// - `M` events name processes and threads.
trace_shape check_trace(const boost::json::value& trace);

}  // namespace loopcheck::test
