#pragma once
// Foreign I/O: an I/O object used on an execution context it cannot work on. On a context
// whose time is virtual (the simulator), Asio's timers, sockets and signal sets would start
// Asio's internal scheduler and its thread and complete in real time on that thread, and
// posix_vfs would complete from its pool's threads into a single-threaded context; the run
// would then end with a false deadlock. Instead, the object fails where it is created or first
// used, with a foreign_io_error naming it and the caller's line (docs/sim.md).
#include <optional>
#include <stdexcept>
#include <string_view>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/call_stack.hpp"

namespace loopcheck {

class foreign_io_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws a foreign_io_error: "`object` used at <site> on a simulated execution context ...;
// `instead`". `site`: the user's line that led to the use (basic_call_stack::first_user_frame), when
// it is on the stack; a use from inside a coroutine resumed by Asio has none.
[[noreturn]] void throw_foreign_io(std::string_view object, std::string_view instead,
                                   const std::optional<source_frame>& site);

// Throws a foreign_io_error naming `object` (and no site) when `ex`'s context keeps virtual time.
void refuse_virtual_time(const asio::any_io_executor& ex, std::string_view object, std::string_view instead);

}  // namespace loopcheck
