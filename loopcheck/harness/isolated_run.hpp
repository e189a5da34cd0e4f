#pragma once
// Isolated runs: a run that provokes a sanitizer report on purpose (thread-loop's foreign-touch
// race in real mode, in a ThreadSanitizer build) runs in a child process, and each report comes
// back as a `sanitizer_report` finding whose evidence is the sanitizer's whole report.
//
// Why a child: a sanitizer reads its options once, at start-up. CI runs everything with
// halt_on_error=1 so that any unexpected report fails it; only a fresh process can send this
// run's reports to a log file and carry on (halt_on_error=0, exitcode=0) while the parent still
// halts on every report nobody asked for.
//
// The child is this program re-executed as `PROGRAM isolated-run TOKEN RESULT_PATH`. A program
// opts in by calling enable_isolated_runs() and handing those arguments to isolated_child_main
// (the loopcheck CLI and the harness tests do). In a program that did not, such runs stay in
// process and the sanitizer's own options decide what a report does.
#include <chrono>
#include <string>
#include <string_view>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

inline constexpr std::string_view isolated_run_command = "isolated-run";

void enable_isolated_runs();

// True in a ThreadSanitizer build of a program that enabled isolated runs, outside the child
// itself: a run that provokes a report should go through run_isolated then.
bool isolate_sanitizer_reports();

// Runs `spec` of `family` in a child process and waits at most `budget` for it (then kills it:
// a `hang` finding). Returns the child's findings and metrics, a `sanitizer_report` finding per
// report in its sanitizer log, and an `invariant` finding if the child failed.
run_result run_isolated(const run_spec& spec, const scenario& family,
                        std::chrono::milliseconds budget = std::chrono::seconds(120));

// The child's side: runs the run named by `token` in this process and writes its result (JSON:
// {"findings": [...], "metrics": {...}}) to `result_path`. Returns the exit code: 0 when the
// result was written, 2 for a bad token, 3 when the result could not be written.
int isolated_child_main(std::string_view token, const std::string& result_path);

}  // namespace loopcheck::harness
