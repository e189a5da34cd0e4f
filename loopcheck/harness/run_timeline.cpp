#include "loopcheck/harness/run_timeline.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace loopcheck::harness {

namespace {

thread_local run_timeline* active_timeline = nullptr;

// The first word of `text`, and the rest after one space.
std::pair<std::string_view, std::string_view> split_word(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), text.substr(space + 1)};
}

}  // namespace

std::string_view to_string(timeline_mark::mark_kind kind) {
  switch (kind) {
    case timeline_mark::mark_kind::fault:
      return "fault";
    case timeline_mark::mark_kind::crash:
      return "crash";
    case timeline_mark::mark_kind::finding:
      return "finding";
  }
  return "?";
}

std::string_view to_string(timeline_task::end_kind end) {
  switch (end) {
    case timeline_task::end_kind::finished:
      return "finished";
    case timeline_task::end_kind::destroyed:
      return "destroyed before it finished";
    case timeline_task::end_kind::still_live:
      return "still live when the recording stopped";
  }
  return "?";
}

run_timeline::run_timeline(timeline_clock clock, std::string run_name)
    : clock_(clock), run_name_(std::move(run_name)) {}

std::size_t run_timeline::context_of(const registry_core& context) {
  auto [it, added] = context_ordinals_.try_emplace(&context, 0);
  if (added) {
    context_last_time_.emplace_back(0);
    it->second = context_last_time_.size();
  }
  return it->second;
}

timeline_task* run_timeline::task_of(std::size_t context, std::uint64_t id) {
  const auto it = task_index_.find({context, id});
  return it == task_index_.end() ? nullptr : &tasks_[it->second];
}

void run_timeline::saw_time(std::size_t context, std::chrono::nanoseconds at) {
  auto& last = context_last_time_[context - 1];
  last = std::max(last, at);
}

void run_timeline::context_created(const registry_core& context) {
  std::lock_guard lock(mutex_);
  context_ordinals_.erase(&context);  // a new core at a freed core's address
  context_of(context);
}

void run_timeline::task_spawned(const registry_core& context, std::uint64_t id, std::string_view name,
                                std::source_location site, const registry_core* parent_context, std::uint64_t parent_id,
                                std::chrono::nanoseconds at) {
  std::lock_guard lock(mutex_);
  const std::size_t ordinal = context_of(context);
  saw_time(ordinal, at);
  if (tasks_.size() >= max_tasks) {
    ++tasks_dropped_;
    return;
  }
  timeline_task task;
  task.key = tasks_.size() + 1;
  task.context = ordinal;
  task.id = id;
  task.name.assign(name);
  task.site = site.line() != 0 ? fmt::format("{}:{}", site.file_name(), site.line()) : std::string();
  if (const auto parent_ordinal = context_ordinals_.find(parent_context); parent_ordinal != context_ordinals_.end()) {
    if (const auto* parent = task_of(parent_ordinal->second, parent_id)) task.parent_key = parent->key;
  }
  task.spawned = at;
  task.ended = at;
  task_index_[{ordinal, id}] = tasks_.size();
  tasks_.push_back(std::move(task));
}

void run_timeline::task_ended(const registry_core& context, std::uint64_t id, bool finished,
                              std::chrono::nanoseconds at) {
  std::lock_guard lock(mutex_);
  const std::size_t ordinal = context_of(context);
  saw_time(ordinal, at);
  timeline_task* task = task_of(ordinal, id);
  if (task == nullptr || task->end != timeline_task::end_kind::still_live) return;
  task->ended = std::max(at, task->spawned);
  task->end = finished ? timeline_task::end_kind::finished : timeline_task::end_kind::destroyed;
  if (!task->waits.empty() && task->waits.back().end < task->waits.back().begin) task->waits.back().end = task->ended;
}

void run_timeline::task_waits(const registry_core& context, std::uint64_t id, std::string_view what,
                              std::chrono::nanoseconds at) {
  std::lock_guard lock(mutex_);
  const std::size_t ordinal = context_of(context);
  saw_time(ordinal, at);
  timeline_task* task = task_of(ordinal, id);
  if (task == nullptr || task->end != timeline_task::end_kind::still_live) return;
  at = std::max(at, task->spawned);
  // An open wait has end < begin (end is set when it closes).
  if (!task->waits.empty() && task->waits.back().end < task->waits.back().begin) task->waits.back().end = at;
  if (what.empty()) return;
  if (task->waits.size() >= max_waits_per_task) {
    ++task->waits_dropped;
    return;
  }
  task->waits.push_back({std::string(what), at, at - std::chrono::nanoseconds(1)});
}

void run_timeline::add_mark(timeline_mark mark) {
  if (marks_.size() >= max_marks) {
    ++marks_dropped_;
    return;
  }
  marks_.push_back(std::move(mark));
}

void run_timeline::add_sim_events(const registry_core& context, const std::vector<sim::sim_event>& events,
                                  std::uint64_t total_events) {
  std::lock_guard lock(mutex_);
  const std::size_t ordinal = context_of(context);
  sim_events_lost_ += total_events - std::min<std::uint64_t>(total_events, events.size());
  for (const auto& e : events) {
    saw_time(ordinal, e.time);
    if (e.kind == "buggify") {
      // "SITE fired" or "SITE held": only firings are marked.
      const auto [site, verdict] = split_word(e.detail);
      if (verdict == "fired")
        add_mark({timeline_mark::mark_kind::fault, ordinal, e.time, std::string(site), e.detail, 0});
    } else if (e.kind == "fs") {
      const auto [operation, detail] = split_word(e.detail);
      if (operation == "crash") {
        add_mark({timeline_mark::mark_kind::crash, ordinal, e.time, "crash", std::string(detail), 0});
      } else if (operation == "fault") {
        add_mark({timeline_mark::mark_kind::fault, ordinal, e.time, "file system fault", std::string(detail), 0});
      } else if (file_operations_.size() < max_file_operations) {
        file_operations_.push_back({ordinal, e.time, std::string(operation), std::string(detail)});
      } else {
        ++file_operations_dropped_;
      }
    }
  }
}

void run_timeline::finish(const std::vector<finding>& findings) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (context_last_time_.empty()) context_last_time_.emplace_back(0);  // a run that made no context
  for (const auto& f : findings) {
    // A finding names its task by id and name; ids are per context, so the latest such task.
    const auto task = std::find_if(tasks_.rbegin(), tasks_.rend(), [&](const timeline_task& t) {
      return f.task_id != 0 && t.id == f.task_id && t.name == f.task_name;
    });
    const std::size_t context = task != tasks_.rend() ? task->context : 1;
    saw_time(context, f.time);
    add_mark({timeline_mark::mark_kind::finding, context, f.time, std::string(loopcheck::to_string(f.kind)), format(f),
              task != tasks_.rend() ? task->key : 0});
  }
  for (auto& task : tasks_) {
    if (task.end == timeline_task::end_kind::still_live)
      task.ended = std::max(task.spawned, context_last_time_[task.context - 1]);
    if (!task.waits.empty() && task.waits.back().end < task.waits.back().begin) task.waits.back().end = task.ended;
  }
}

std::vector<std::string> run_timeline::truncation_notes() const {
  std::vector<std::string> notes;
  if (tasks_dropped_ != 0)
    notes.push_back(fmt::format("{} task(s) after the first {} not recorded", tasks_dropped_, max_tasks));
  std::uint64_t waits_dropped = 0;
  for (const auto& t : tasks_) waits_dropped += t.waits_dropped;
  if (waits_dropped != 0) {
    notes.push_back(fmt::format("{} wait(s) not recorded (at most {} per task)", waits_dropped, max_waits_per_task));
  }
  if (sim_events_lost_ != 0) {
    notes.push_back(
        fmt::format("the simulator's event log kept the last {} events per context: {} earlier event(s) "
                    "(file operations, fault firings) are missing",
                    max_sim_events, sim_events_lost_));
  }
  if (file_operations_dropped_ != 0) {
    notes.push_back(fmt::format("{} file operation(s) after the first {} not recorded", file_operations_dropped_,
                                max_file_operations));
  }
  if (marks_dropped_ != 0)
    notes.push_back(fmt::format("{} mark(s) after the first {} not recorded", marks_dropped_, max_marks));
  return notes;
}

std::chrono::nanoseconds run_timeline::end_time() const {
  std::chrono::nanoseconds end{0};
  for (const auto t : context_last_time_) end = std::max(end, t);
  return end;
}

timeline_recording::timeline_recording(run_timeline& timeline)
    : observer_(timeline), previous_(std::exchange(active_timeline, &timeline)) {}

timeline_recording::~timeline_recording() { active_timeline = previous_; }

run_timeline* timeline_recording::active() { return active_timeline; }

}  // namespace loopcheck::harness
