#pragma once
// A process-wide observer of tracked tasks' lives: spawns, ends and waits on every context, for
// a recorder of one run (harness/run_timeline.hpp, behind `loopcheck replay --trace`). None is
// installed by default; then a spawn, an end and a wait each cost one relaxed atomic load.
// Install one only while a single run is in progress: it sees every context of the process.
#include <chrono>
#include <cstdint>
#include <memory>
#include <source_location>
#include <string_view>

namespace loopcheck {

class registry_core;

class task_observer {
 public:
  virtual ~task_observer() = default;
  // A context's registry was created (the recorder numbers contexts: task ids are per context).
  virtual void context_created(const registry_core& context) = 0;
  // `parent` is the task whose handler spawned it (parent_id 0: none), maybe on another context.
  virtual void task_spawned(const registry_core& context, std::uint64_t id, std::string_view name,
                            std::source_location site, const registry_core* parent_context, std::uint64_t parent_id,
                            std::chrono::nanoseconds at) = 0;
  // `finished`: it ended by itself (returned or threw); false: its frame was destroyed first.
  virtual void task_ended(const registry_core& context, std::uint64_t id, bool finished,
                          std::chrono::nanoseconds at) = 0;
  // The task parks in a loopcheck wait on `what`; an empty `what`: it resumed.
  virtual void task_waits(const registry_core& context, std::uint64_t id, std::string_view what,
                          std::chrono::nanoseconds at) = 0;
};

// The installed observer, or null. Cheap when none is installed.
task_observer* installed_task_observer() noexcept;

// Installs `observer` for its lifetime (the caller keeps it alive); installations do not nest.
class scoped_task_observer {
 public:
  explicit scoped_task_observer(task_observer& observer);
  ~scoped_task_observer();
  scoped_task_observer(const scoped_task_observer&) = delete;
  scoped_task_observer& operator=(const scoped_task_observer&) = delete;
};

}  // namespace loopcheck
