#include "loopcheck/vfs/file_race_detector.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>

#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck::vfs {

namespace {

std::atomic<bool> detection_default{true};

std::string describe_range(const byte_range& range) {
  if (range.begin == 0 && range.end == byte_range::whole_file().end) return "the whole file";
  return fmt::format("bytes [{}, {})", range.begin, range.end);
}

}  // namespace

bool file_race_detection_default() { return detection_default.load(std::memory_order_relaxed); }
void set_file_race_detection_default(bool enabled) { detection_default.store(enabled, std::memory_order_relaxed); }

void file_race_detector::on_access(std::string_view operation, const std::string& path, bool changes,
                                   byte_range range) {
  if (!options_.enabled) return;
  task_record* task = current_task();
  if (task == nullptr) return;
  const clock_epoch epoch = task->access_epoch();
  const vector_clock& clock = task->clock();
  std::vector<std::string> races;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->history.find(path);
    if (it == state_->history.end()) {
      if (state_->history.size() == options_.max_paths) {
        ++state_->dropped;
        return;
      }
      it = state_->history.emplace(path, std::vector<access>{}).first;
    }
    std::vector<access>& earlier = it->second;
    std::erase_if(earlier, [](const access& a) {
      const auto context = a.context.lock();
      return context == nullptr || context->closed();
    });
    const site_key mine{task->site().file_name(), task->site().line(), operation};
    for (const access& a : earlier) {
      if (a.epoch.slot == epoch.slot || clock.covers(a.epoch)) continue;  // ordered
      if (!(a.changes || changes) || !a.range.overlaps(range)) continue;  // no conflict
      const site_key theirs{a.site.file_name(), a.site.line(), a.operation};
      if (!state_->reported.insert(std::minmax(mine, theirs)).second) continue;
      races.push_back(fmt::format(
          "{} of {} ({}) races with {} of {} by task '{}' #{} spawned at {}:{}: neither happens before the other",
          operation, path, describe_range(range), a.operation, describe_range(a.range), a.task_name, a.task_id,
          a.site.file_name(), a.site.line()));
    }
    // An earlier access ordered before this one and inside its range is subsumed: whatever
    // races with it later also races with this one, or is ordered after both. A read is not
    // subsumed by a read (a later write may race with the earlier read only).
    std::erase_if(earlier, [&](const access& a) {
      const bool ordered = a.epoch.slot == epoch.slot || clock.covers(a.epoch);
      return ordered && range.covers(a.range) && (changes || !a.changes);
    });
    if (earlier.size() == options_.max_accesses_per_path) {
      earlier.erase(earlier.begin());
      ++state_->dropped;
    }
    earlier.push_back({operation, range, changes, epoch, task->id(), task->name(), task->site(), task->shared_core()});
  }
  // Outside our lock: the registry takes its own and publishes to captures.
  for (auto& message : races) task->core().record(finding_kind::file_race, *task, std::move(message));
}

std::size_t file_race_detector::races_reported() const {
  std::lock_guard lock(state_->mutex);
  return state_->reported.size();
}

std::size_t file_race_detector::dropped_accesses() const {
  std::lock_guard lock(state_->mutex);
  return state_->dropped;
}

}  // namespace loopcheck::vfs
