#pragma once
// Sanitizer reports from many logs (a whole test suite's), one entry per distinct bug.
//
// Two reports are the same bug when the sanitizer, the bug's type (bug_type) and the top
// `dedup_frames` frames of their first stack outside the sanitizer's runtime (function and
// FILE:LINE, or module+offset when unsymbolized; never the pc, which moves with ASLR) agree.
// Three frames tell apart two paths into one helper (a use-after-free in a shared `release()`
// called from two owners), yet leave out the frames below, which name the test that got there
// (Boost.Test's runner, main): the same bug reached from ten tests is one entry naming ten
// sources. UBSan reports without a stack use their header's FILE:LINE.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/harness/sanitizer_log.hpp"
#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

class sanitizer_report_set {
 public:
  static constexpr std::size_t dedup_frames = 3;
  // Bounds for a suite gone wrong (at most 2,000 reports of 64 KiB held): further distinct
  // bugs are counted, not kept; an entry names its first sources and counts the rest.
  static constexpr std::size_t max_distinct = 2'000;
  static constexpr std::size_t max_sources_named = 20;

  struct entry {
    sanitizer_report first;  // the first occurrence, kept whole as the evidence
    std::uint64_t occurrences = 0;
    std::vector<std::string> sources;  // distinct, in order of first occurrence, at most max_sources_named
    std::uint64_t sources_not_named = 0;
  };

  // `source`: where the report came from (a test's name).
  void add(sanitizer_report report, std::string_view source);

  const std::vector<entry>& entries() const { return entries_; }
  std::uint64_t reports() const { return reports_; }
  std::uint64_t distinct_not_kept() const { return distinct_not_kept_; }

 private:
  std::vector<entry> entries_;
  std::map<std::string, std::size_t> index_by_key_;
  std::uint64_t reports_ = 0;
  std::uint64_t distinct_not_kept_ = 0;
};

// The key two reports of one bug share (see above).
std::string dedup_key(const sanitizer_report& report);

// An entry as a `sanitizer_report` finding: its site the report's (report_site), its message
// the SUMMARY line with the occurrences and the sources named, its evidence the first report.
finding to_finding(const sanitizer_report_set::entry& e);

}  // namespace loopcheck::harness
