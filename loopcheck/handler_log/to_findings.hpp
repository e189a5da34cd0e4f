#pragma once
// A log's problems as loopcheck findings, one per leaked or failed root chain:
//
// - `~n` (destroyed without being invoked), operations pending or running when the log ends →
//   `leaked_task`; `!n` (left by exception) → `unobserved_exception`. The message says which.
// - A problem operation whose creation chain holds another problem operation is a consequence
//   of it (a coroutine's frame torn down with its context creates and destroys more
//   operations): it is not reported on its own but counted in the finding of the farthest
//   such ancestor. An operation that is pending while its ancestors completed is a root.
// - Roots with the same problem, kind and site (fifty connections' reads pending at shutdown)
//   are one finding that counts them and names the first few ids.
//
// std::source_location cannot be made from a log's text, so a finding's site is the front of
// its message, "at file:line: " — as findings read back from a JSON report carry theirs. The
// site is the first location in the chain outside Boost's and Asio's headers, else the first.
#include <string>
#include <vector>

#include "loopcheck/handler_log/analyzer.hpp"
#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::handler_log {

std::vector<finding> to_findings(const analysis& log);

// What was read: "412 lines, 120 operations (at most 7 live); 3 lines not understood (2
// without @asio|, 1 malformed), skipped".
std::string describe_reading(const analysis& log);

}  // namespace loopcheck::handler_log
