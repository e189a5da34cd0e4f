#include "loopcheck/harness/sanitizer_report_set.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace loopcheck::harness {

std::string dedup_key(const sanitizer_report& report) {
  std::string key = report.sanitizer + '\n' + bug_type(report);
  if (report.header_site) key += fmt::format("\n{}:{}", report.header_site->file, report.header_site->line);
  std::size_t taken = 0;
  for (const auto& f : report.stack) {
    if (taken == sanitizer_report_set::dedup_frames) break;
    if (in_sanitizer_runtime(f)) continue;
    key += fmt::format("\n{} {}", f.function, f.place);
    ++taken;
  }
  return key;
}

void sanitizer_report_set::add(sanitizer_report report, std::string_view source) {
  ++reports_;
  auto key = dedup_key(report);
  auto it = index_by_key_.find(key);
  if (it == index_by_key_.end()) {
    if (entries_.size() == max_distinct) {
      ++distinct_not_kept_;
      return;
    }
    it = index_by_key_.emplace(std::move(key), entries_.size()).first;
    entries_.push_back(entry{std::move(report), 0, {}, 0});
  }
  auto& e = entries_[it->second];
  ++e.occurrences;
  if (std::find(e.sources.begin(), e.sources.end(), source) != e.sources.end()) return;
  if (e.sources.size() == max_sources_named) {
    ++e.sources_not_named;
  } else {
    e.sources.emplace_back(source);
  }
}

finding to_finding(const sanitizer_report_set::entry& e) {
  const auto& r = e.first;
  std::string what = headline(r);
  what += fmt::format(" ({} occurrence(s), from {}", e.occurrences, fmt::join(e.sources, ", "));
  if (e.sources_not_named != 0) what += fmt::format(" and {} more", e.sources_not_named);
  what += ')';
  finding f;
  f.kind = finding_kind::sanitizer_report;
  const auto site = report_site(r);
  f.message = site ? message_with_site(*site, what) : what;
  f.evidence = r.text;
  return f;
}

}  // namespace loopcheck::harness
