#pragma once
// A finding: one structured report of a detector. Tests, fixtures, the runner and reports all
// consume this one type.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

namespace loopcheck {

enum class finding_kind : std::uint8_t {
  leaked_task,           // a started task destroyed while suspended
  unawaited_task,        // an awaitable created and destroyed without ever running
  unobserved_exception,  // a task failed and nobody retrieved its exception
  orphan_spawn,          // work handed to a context that will never run it
  deadlock,
  hang,
  lost_write,
  corrupt_file,
  out_of_order,
  reentrancy,
  wrong_thread,
  invariant,
  sanitizer_report,      // a sanitizer (ThreadSanitizer, ...) reported a bug in the run
  file_race,             // two accesses to a file, one changing it, not ordered by happens-before
  still_running,         // a task a test case started is still live when the case ends
};
inline constexpr finding_kind last_finding_kind = finding_kind::still_running;

std::string_view to_string(finding_kind kind);
std::ostream& operator<<(std::ostream& out, finding_kind kind);
std::optional<finding_kind> parse_finding_kind(std::string_view name);

struct finding {
  finding_kind kind = finding_kind::invariant;
  std::string task_name;     // empty when the finding is not about one task
  std::uint64_t task_id = 0; // 0 when the finding is not about one task
  std::source_location site; // where the task was spawned or created
  std::chrono::nanoseconds time{0};  // on the clock of the task's execution context
  std::string message;
  // The full text behind a one-line message, when there is one (a sanitizer's whole report,
  // stacks and all); reports carry it beside the finding. Empty for most findings.
  std::string evidence = {};
};

// One line: "leaked_task: task 'backup' #3 at file.cpp:12 (t=1.500ms): message"; the site is
// where the task was spawned (or created, for an unawaited task).
std::string format(const finding& f);

// A thread-safe list of findings.
class findings_log {
 public:
  void record(finding f);
  std::vector<finding> snapshot() const;
  std::size_t size() const;
  std::size_t count(finding_kind kind) const;

 private:
  mutable std::mutex mutex_;
  std::vector<finding> items_;
};

// While alive, receives a copy of every finding recorded anywhere in the process (by any
// registry, on any thread). The test fixtures use it: a context destroyed inside a test
// reports its leaked tasks after its own registry is gone.
class scoped_finding_capture : public findings_log {
 public:
  scoped_finding_capture();
  ~scoped_finding_capture();
  scoped_finding_capture(const scoped_finding_capture&) = delete;
  scoped_finding_capture& operator=(const scoped_finding_capture&) = delete;
};

// Delivers f to every live scoped_finding_capture.
void publish_to_captures(const finding& f);

}  // namespace loopcheck
