#include "loopcheck/runtime/finding.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace loopcheck {

std::string_view to_string(finding_kind kind) {
  switch (kind) {
    case finding_kind::leaked_task: return "leaked_task";
    case finding_kind::unawaited_task: return "unawaited_task";
    case finding_kind::unobserved_exception: return "unobserved_exception";
    case finding_kind::orphan_spawn: return "orphan_spawn";
    case finding_kind::deadlock: return "deadlock";
    case finding_kind::hang: return "hang";
    case finding_kind::lost_write: return "lost_write";
    case finding_kind::corrupt_file: return "corrupt_file";
    case finding_kind::out_of_order: return "out_of_order";
    case finding_kind::reentrancy: return "reentrancy";
    case finding_kind::wrong_thread: return "wrong_thread";
    case finding_kind::invariant: return "invariant";
    case finding_kind::sanitizer_report: return "sanitizer_report";
    case finding_kind::file_race: return "file_race";
    case finding_kind::still_running: return "still_running";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, finding_kind kind) { return out << to_string(kind); }

std::optional<finding_kind> parse_finding_kind(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(last_finding_kind); ++k) {
    if (to_string(static_cast<finding_kind>(k)) == name) return static_cast<finding_kind>(k);
  }
  return std::nullopt;
}

std::string format(const finding& f) {
  std::string out = fmt::format("{}:", to_string(f.kind));
  if (!f.task_name.empty()) out += fmt::format(" task '{}'", f.task_name);
  if (f.task_id != 0) out += fmt::format(" #{}", f.task_id);
  if (f.site.line() != 0) out += fmt::format(" at {}:{}", f.site.file_name(), f.site.line());
  out += fmt::format(" (t={:.3f}ms): {}", std::chrono::duration<double, std::milli>(f.time).count(),
                     f.message);
  return out;
}

void findings_log::record(finding f) {
  std::lock_guard lock(mutex_);
  items_.push_back(std::move(f));
}

std::vector<finding> findings_log::snapshot() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::size_t findings_log::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

std::size_t findings_log::count(finding_kind kind) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [kind](const finding& f) { return f.kind == kind; }));
}

namespace {
std::mutex captures_mutex;
std::vector<scoped_finding_capture*>& captures() {
  static std::vector<scoped_finding_capture*> list;
  return list;
}
}  // namespace

scoped_finding_capture::scoped_finding_capture() {
  std::lock_guard lock(captures_mutex);
  captures().push_back(this);
}

scoped_finding_capture::~scoped_finding_capture() {
  std::lock_guard lock(captures_mutex);
  std::erase(captures(), this);
}

void publish_to_captures(const finding& f) {
  std::lock_guard lock(captures_mutex);
  for (auto* capture : captures()) capture->record(f);
}

}  // namespace loopcheck
