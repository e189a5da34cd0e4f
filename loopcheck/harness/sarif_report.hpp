#pragma once
// A campaign's findings as SARIF 2.1.0, the format GitHub code scanning (and other code hosts)
// read to show findings on the lines they name. One result per distinct finding that has a
// source site (finding_site.hpp); findings without one (a deadlock of the whole run, a lost
// write) are only counted, in the run's properties. docs/reports.md describes the shape.
#include <filesystem>
#include <iosfwd>

#include "loopcheck/harness/campaign.hpp"

namespace loopcheck::harness {

struct sarif_settings {
  // Sites under this directory are written relative to it (uriBaseId "SRCROOT"), as a code host
  // wants them: relative to the repository's root. A site outside it keeps its absolute path
  // (a file: URI); a relative site is taken as relative to it. Made absolute when written.
  std::filesystem::path source_root;
};

// ruleId is the finding kind's name; partialFingerprints["loopcheck/v1"] hashes the kind, the
// site's file as written (relative under the root), its line and the task's name, so the same
// finding keeps its identity from one run to the next.
void write_sarif(std::ostream& out, const campaign_result& result, const sarif_settings& settings);

}  // namespace loopcheck::harness
