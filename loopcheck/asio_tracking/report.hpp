#pragma once
// Where the tracker's findings go: to every scoped_finding_capture (the Boost.Test fixture), and
// one line each (loopcheck::format) to the file named by LOOPCHECK_TRACKING_REPORT, appended as
// each finding happens so a driver can read it whatever way the process ends, or to stderr when
// the variable is unset, empty or names a file that cannot be opened.
#include <chrono>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::asio_tracking {

inline constexpr const char* report_path_variable = "LOOPCHECK_TRACKING_REPORT";

void report(const finding& f) noexcept;

// A finding's time: since the tracker started (the process's first io_context; init() starts it).
std::chrono::nanoseconds tracking_time() noexcept;

// Creates the report file, empty, if the variable names one: a driver then tells a tracked run
// without findings from a run without the tracker.
void create_report_file() noexcept;

}  // namespace loopcheck::asio_tracking
