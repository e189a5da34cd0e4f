#pragma once
// The detector demonstration behind `loopcheck demo`: for each silent Asio failure mode, run
// the bug and the right pattern on a real io_context, and show what loopcheck reports.
#include <iosfwd>

namespace loopcheck::demo {

// Prints each case; returns true when every bug was caught and every right pattern was silent.
bool run_detector_demo(std::ostream& out);

}  // namespace loopcheck::demo
