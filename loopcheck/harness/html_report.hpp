#pragma once
// The HTML report (docs/reports.md, "HTML"): one self-contained page, inline CSS and script, no
// network, that opens from disk: the campaign's summary, the detection matrix (family ×
// variant, expected and observed, and each family's outcome grid), every failing target's
// findings with replay commands to copy, coverage of code probes and fault sites, and an SVG
// timeline of the first failing run drawn from its run_timeline. The page is built as a pugixml
// tree and written as XHTML that is also valid HTML5, so every text is escaped by pugixml.
#include <iosfwd>
#include <string>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/reports.hpp"
#include "loopcheck/harness/run_timeline.hpp"

namespace loopcheck::harness {

// At most this many tasks get a row in the timeline (the page says how many more there were).
inline constexpr std::size_t html_timeline_max_rows = 400;
// At most this many file operations get a tick.
inline constexpr std::size_t html_timeline_max_file_ticks = 2'000;

struct html_timeline {
  const run_timeline* timeline = nullptr;  // the first failing run's, or null
  std::string absent_reason =
      "This report was not made from a scenario run (analyze, sanitizer-report): there is no run to draw.";
};

void write_html(std::ostream& out, const campaign_result& result, verdict_rule rule, const html_timeline& timeline);

}  // namespace loopcheck::harness
