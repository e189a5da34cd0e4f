#pragma once
// Sanitizer logs (what AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer and
// ThreadSanitizer write to `log_path=`, one file `<path>.<pid>` per process) read back as
// reports, line by line, in bounded memory.
//
// A report starts at its header line — `==PID==ERROR: AddressSanitizer: ...` (LeakSanitizer
// the same), `WARNING: ThreadSanitizer: ...` or UBSan's `FILE:LINE:COL: runtime error: ...` —
// and ends with its `SUMMARY: ` line plus what the sanitizer prints after it (ASan's shadow
// bytes, `==PID==ABORTING`). UBSan writes a SUMMARY only when it halts: its report is the header
// and the indented stack below it. Any other report whose SUMMARY never comes (the next report
// or the end of the log comes first: a process killed while writing it) is kept and marked
// truncated. Lines
// outside reports that are not a sanitizer's own framing (separators, `==PID==ABORTING`,
// TSan's closing count) are counted as not understood.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/harness/finding_site.hpp"
#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

// One frame of a stack: `#N [0xPC] [in] FUNCTION FILE:LINE[:COL] [(MODULE+OFFSET)]`.
struct sanitizer_frame {
  std::string function;  // as printed; may be "<null>"
  std::string place;     // "FILE:LINE" or, unsymbolized, "(MODULE+OFFSET)": stable across runs
  std::optional<source_site> site;
};

struct sanitizer_report {
  std::string sanitizer;    // "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "ThreadSanitizer"
  std::string description;  // the header's text after the sanitizer's name, e.g. "heap-use-after-free on address 0x..."
  std::string summary;      // the SUMMARY line without "SUMMARY: "; empty when there was none
  std::optional<source_site> header_site;  // UBSan names its line in the header
  std::vector<sanitizer_frame> stack;      // the report's first stack (the access, the leak's allocation)
  std::string text;                        // the report whole, up to max_report_bytes
  std::uint64_t lines_left_out = 0;        // lines past max_report_bytes
  bool truncated = false;
};

class sanitizer_log_parser {
 public:
  // A report's text is kept up to this size: ASan's and TSan's usual reports (a few stacks,
  // shadow bytes) take 2 to 10 KiB; a runaway one is cut, the lines past it counted.
  static constexpr std::size_t max_report_bytes = 64 * 1024;
  static constexpr std::size_t max_stack_frames = 64;

  explicit sanitizer_log_parser(std::function<void(sanitizer_report&&)> on_report);

  void add_line(std::string_view line);
  // The end of the log: an unfinished report is delivered, truncated.
  void finish();

  std::uint64_t lines() const { return lines_; }
  std::uint64_t lines_not_understood() const { return lines_not_understood_; }
  std::uint64_t reports_truncated() const { return reports_truncated_; }

 private:
  bool starts_report(std::string_view line);
  bool continues_report(std::string_view line);
  void deliver();

  std::function<void(sanitizer_report&&)> on_report_;
  std::optional<sanitizer_report> open_;
  bool stack_ended_ = false;
  std::uint64_t lines_ = 0;
  std::uint64_t lines_not_understood_ = 0;
  std::uint64_t reports_truncated_ = 0;
};

// The report in one line: its SUMMARY line, else "SANITIZER: DESCRIPTION" (UBSan without one),
// "truncated report: SANITIZER: DESCRIPTION" for a truncated report.
std::string headline(const sanitizer_report& report);

// A frame of the sanitizer's own runtime (its interceptors, its allocator), not the program's.
bool in_sanitizer_runtime(const sanitizer_frame& f);

// The bug's kind without what changes from run to run (addresses, pids, values):
// "heap-use-after-free", "data race", "detected memory leaks", "signed integer overflow".
std::string bug_type(const sanitizer_report& report);

// Where the report points in the program's own source: UBSan's header line, else the first
// frame of its first stack outside the sanitizer's runtime that has a file and line.
std::optional<source_site> report_site(const sanitizer_report& report);

// A whole log held in memory (an isolated run's child) as findings: one `sanitizer_report` per
// report, its message the report's headline after its site ("at FILE:LINE: ", report_site,
// when it has one: finding_site.hpp), its evidence the report's text.
std::vector<finding> parse_sanitizer_log(std::string_view log);

}  // namespace loopcheck::harness
