#pragma once
// Keeps Asio's reactor-based I/O objects (timers, sockets, signal sets, stream descriptors) off
// a sim_context. Each reaches io_context's internals through use_service: on an execution
// context that is not an io_context, Asio would create its scheduler there, with a thread of its
// own, and the object would complete in real time on that thread. The guard registers that
// scheduler first, without a thread, and with a task factory that refuses: the object's
// constructor throws loopcheck::foreign_io_error naming the object and the user's line, before
// any thread or timer exists.
//
// asio::detail: the scheduler's constructor with a thread switch and a task factory. It exists
// from Boost 1.81 (checked here, Debian 12) on; a version without it compiles the guard out
// (asio_io_guard_active is false) and Asio's objects then behave as before (docs/sim.md).
#include <type_traits>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::sim {

inline constexpr bool asio_io_guard_active =
    std::is_constructible_v<asio::detail::scheduler, asio::execution_context&, int, bool,
                            asio::detail::scheduler::get_task_func_type>;

// Call once, from the context's constructor, before any I/O object can be created on it.
void guard_against_asio_io_objects(asio::execution_context& context);

}  // namespace loopcheck::sim
