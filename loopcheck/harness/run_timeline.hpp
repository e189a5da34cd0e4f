#pragma once
// What one run did, in time order, for people to look at: each tracked task from spawn to end
// (name, spawn site, spawner) with the waits it parked in, the simulated file system's
// operations, fault firings, the crash point and the findings. Filled while the run happens
// (a task_observer, installed by timeline_recording, plus the simulator's event log read when
// a simulated context finishes); drawn by the trace writer (trace_writer.hpp) and the HTML
// report's timeline (html_report.hpp). Every list is bounded; what did not fit is counted and
// named in truncation_notes().
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/runtime/task_observer.hpp"
#include "loopcheck/sim/event_log.hpp"

namespace loopcheck::harness {

// Simulated runs are drawn in virtual time, real runs in real time (since each context began).
enum class timeline_clock : std::uint8_t { virtual_time, real_time };

struct timeline_wait {
  std::string what;
  std::chrono::nanoseconds begin{0};
  std::chrono::nanoseconds end{0};
};

struct timeline_task {
  std::uint64_t key = 0;    // 1-based, in spawn order; unique in the timeline
  std::size_t context = 0;  // 1-based ordinal of its execution context, in creation order
  std::uint64_t id = 0;     // the task's id in its context's registry (findings name it)
  std::string name;
  std::string site;              // "file:line" where it was spawned
  std::uint64_t parent_key = 0;  // the task that spawned it, 0 when none was running
  std::chrono::nanoseconds spawned{0};
  std::chrono::nanoseconds ended{0};
  // How it ended: by itself (returned or threw), destroyed before it finished, or neither before
  // the recording stopped (then `ended` is the last time seen on its context).
  enum class end_kind : std::uint8_t { finished, destroyed, still_live } end = end_kind::still_live;
  std::vector<timeline_wait> waits;
  std::uint64_t waits_dropped = 0;
};

struct timeline_file_operation {
  std::size_t context = 0;
  std::chrono::nanoseconds at{0};
  std::string operation;  // "write", "fsync_file", "rename", ...
  std::string detail;
};

// A moment to mark: a fault that fired, the simulated crash, a finding.
struct timeline_mark {
  enum class mark_kind : std::uint8_t { fault, crash, finding } kind = mark_kind::finding;
  std::size_t context = 0;
  std::chrono::nanoseconds at{0};
  std::string title;
  std::string text;
  std::uint64_t task_key = 0;  // a finding's task, when the timeline has it
};

std::string_view to_string(timeline_mark::mark_kind kind);
std::string_view to_string(timeline_task::end_kind end);

class run_timeline final : public task_observer {
 public:
  static constexpr std::size_t max_tasks = 20'000;
  static constexpr std::size_t max_waits_per_task = 2'000;
  static constexpr std::size_t max_file_operations = 50'000;
  static constexpr std::size_t max_marks = 10'000;
  // A simulated context recording a timeline keeps this many events (sim_options'
  // event_log_capacity_events; every event is hashed whatever the capacity, so the run is
  // the same run). Older events are lost: truncation_notes() says so.
  static constexpr std::size_t max_sim_events = 200'000;

  // `run_name`: the replay token, shown as the trace's and the timeline's title.
  run_timeline(timeline_clock clock, std::string run_name);

  void context_created(const registry_core& context) override;
  void task_spawned(const registry_core& context, std::uint64_t id, std::string_view name, std::source_location site,
                    const registry_core* parent_context, std::uint64_t parent_id, std::chrono::nanoseconds at) override;
  void task_ended(const registry_core& context, std::uint64_t id, bool finished, std::chrono::nanoseconds at) override;
  void task_waits(const registry_core& context, std::uint64_t id, std::string_view what,
                  std::chrono::nanoseconds at) override;

  // A simulated context's kept events (sim_context::events()) and how many it recorded in all:
  // file operations, fault firings and the crash become file operations and marks.
  void add_sim_events(const registry_core& context, const std::vector<sim::sim_event>& events,
                      std::uint64_t total_events);
  // The run's findings, as marks, after the run; then ends what is still open (waits, tasks)
  // at the last time seen on its context. Call once, when the run is over.
  void finish(const std::vector<finding>& findings);

  timeline_clock clock() const { return clock_; }
  const std::string& run_name() const { return run_name_; }
  std::size_t contexts() const { return context_last_time_.size(); }
  const std::vector<timeline_task>& tasks() const { return tasks_; }
  const std::vector<timeline_file_operation>& file_operations() const { return file_operations_; }
  const std::vector<timeline_mark>& marks() const { return marks_; }
  // Empty unless a bound cut something: one sentence per cut.
  std::vector<std::string> truncation_notes() const;
  // The latest time on any context: the timeline's length.
  std::chrono::nanoseconds end_time() const;

 private:
  std::size_t context_of(const registry_core& context);  // call with mutex_ held
  timeline_task* task_of(std::size_t context, std::uint64_t id);
  void saw_time(std::size_t context, std::chrono::nanoseconds at);
  void add_mark(timeline_mark mark);

  timeline_clock clock_;
  std::string run_name_;
  // Real-mode contexts run tasks on several threads: every observer call takes it.
  std::mutex mutex_;
  // A context's registry core by address; a later core at a reused address is a new context.
  std::map<const registry_core*, std::size_t> context_ordinals_;
  std::vector<std::chrono::nanoseconds> context_last_time_;                  // by ordinal - 1
  std::map<std::pair<std::size_t, std::uint64_t>, std::size_t> task_index_;  // (context, id) -> tasks_
  std::vector<timeline_task> tasks_;
  std::vector<timeline_file_operation> file_operations_;
  std::vector<timeline_mark> marks_;
  std::uint64_t tasks_dropped_ = 0;
  std::uint64_t file_operations_dropped_ = 0;
  std::uint64_t marks_dropped_ = 0;
  std::uint64_t sim_events_lost_ = 0;
  bool finished_ = false;
};

// Records the run made on this thread while it lives: installs `timeline` as the task observer
// and makes run_on_sim keep max_sim_events events and hand them over. One at a time per process.
class timeline_recording {
 public:
  explicit timeline_recording(run_timeline& timeline);
  ~timeline_recording();
  timeline_recording(const timeline_recording&) = delete;
  timeline_recording& operator=(const timeline_recording&) = delete;

  // The timeline recording on this thread, or null.
  static run_timeline* active();

 private:
  scoped_task_observer observer_;
  run_timeline* previous_;
};

}  // namespace loopcheck::harness
