#pragma once
// Where in the user's code an operation was started: the innermost location outside Boost that
// Asio recorded for it (or for an operation up its chain), else the first frame outside Boost,
// the C++ library and this tracker in the call stack captured when its root operation was
// created. Stacks are captured for roots only — operations created outside any handler, which a
// handler-heavy program creates rarely — and resolved to file and line only when reported.
#include <source_location>

#include "loopcheck/asio_tracking/tracked_operation.hpp"

namespace loopcheck::asio_tracking {

// Distinct root call stacks kept for the process; past it roots get no stack (and no site).
inline constexpr int max_root_stacks = 4096;
inline constexpr int max_stack_frames = 32;

// True for a file under a boost/ include directory.
bool is_boost_file(const char* file) noexcept;

// capture_root_stack() (declared in tracked_operation.hpp, whose inline creation calls it): the
// current call stack, interned, one entry per distinct stack; null once the table is full.

// The operation's site as a finding's site; line() == 0 when none is known.
std::source_location resolve_site(const operation_state& state);

// A std::source_location for a runtime file, line and function (interned for the process's life;
// the standard offers no constructor for one, so this relies on libstdc++'s layout, checked at
// compile time and by a test).
std::source_location make_source_location(const char* file, unsigned line, const char* function);

}  // namespace loopcheck::asio_tracking
