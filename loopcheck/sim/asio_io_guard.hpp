#pragma once
// Keeps Asio's I/O objects (timers, sockets, signal sets, stream descriptors, resolvers) off a
// sim_context. Each reaches io_context's internals through use_service: on an execution context
// that is not an io_context, Asio would create its scheduler there, with a thread of its own, and
// the object would complete in real time on that thread (a resolver: on a resolver thread, into
// a scheduler nobody runs). The object's constructor throws loopcheck::foreign_io_error instead,
// naming the object and the user's line, before any thread or timer exists. Two paths, one table
// of objects (asio_io_guard.cpp, docs/sim.md "How, and on which Boost"):
//
// - The scheduler guard (asio::detail, primary for reactor objects): the context registers
//   Asio's scheduler first, without a thread, with a task factory that refuses. It needs the
//   scheduler's constructor with a thread switch and a task factory (Boost 1.81, checked here);
//   a version without it, or LOOPCHECK_PORTABLE_IO_GUARD, compiles it out
//   (asio_io_guard_active is false).
// - The constructor check (public API): every Asio I/O object asks its executor for its
//   execution context (asio::query(ex, execution::context)) before use_service; sim_executor
//   calls refuse_asio_io_object_under_construction() there, which names the object from the
//   Asio frames above it. It refuses what the scheduler guard cannot see (a resolver asks for no
//   reactor) and, with that guard compiled out, everything. It needs symbol names: an object
//   whose constructor is inlined into code without debug information (-g) is not recognised.
#include <type_traits>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::sim {

#if defined(LOOPCHECK_PORTABLE_IO_GUARD)
inline constexpr bool asio_io_guard_active = false;
#else
inline constexpr bool asio_io_guard_active =
    std::is_constructible_v<asio::detail::scheduler, asio::execution_context&, int, bool,
                            asio::detail::scheduler::get_task_func_type>;
#endif

// Call once, from the context's constructor, before any I/O object can be created on it.
void guard_against_asio_io_objects(asio::execution_context& context);

// Call from the executor's query for its execution context: throws foreign_io_error when the
// caller is an Asio I/O object's constructor that the scheduler guard does not refuse. Cheap
// when it is not: a few frames unwound, each return address symbolised once per process.
void refuse_asio_io_object_under_construction();

}  // namespace loopcheck::sim
