#pragma once
// A run's timeline (run_timeline.hpp) as Chrome trace-event JSON, which ui.perfetto.dev and
// chrome://tracing open (docs/reports.md, "Traces"): a process per execution context; per task
// an async track (`b`/`e` keyed by the task's key) from spawn to end, named with the task and
// its spawn site, with its waits as nested slices, on a thread of its own named after it; a flow
// (`s`/`f`) from spawner to spawned; the file system's operations on a "file system" thread;
// fault firings, the crash and each finding as instant events carrying their text. `ts` is in
// µs of virtual time (simulated runs) or of real time since the context began (real runs).
#include <iosfwd>

#include "loopcheck/harness/run_timeline.hpp"

namespace loopcheck::harness {

// Thread ids of the tracks that are not tasks (a task's thread id is its key).
inline constexpr std::uint64_t trace_file_system_tid = 1'000'000'001;
inline constexpr std::uint64_t trace_marks_tid = 1'000'000'002;

void write_trace(std::ostream& out, const run_timeline& timeline);

}  // namespace loopcheck::harness
