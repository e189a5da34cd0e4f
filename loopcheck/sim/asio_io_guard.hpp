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
//   A resolver asks for no reactor: its operations fail with operation_not_supported instead
//   (complete_refused_operations), without starting its resolver thread.
// - The constructor check (public API), only where the scheduler guard is compiled out: every
//   Asio I/O object asks its executor for its execution context (asio::query(ex,
//   execution::context)) before use_service; sim_executor calls
//   refuse_asio_io_object_under_construction() there, which names the object from the Asio
//   frames above it. It needs symbol names: an object whose constructor is inlined into code
//   without debug information (-g) is not recognised. It costs a stack walk per query and one
//   symbolisation per process, which is why the scheduler guard's path goes without it.
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

// The scheduler guard a sim_context keeps. Construct it first, before any I/O object can be
// created on the context.
class asio_io_guard {
 public:
  explicit asio_io_guard(asio::execution_context& context);

  // Completes what Asio's objects that need no reactor (a resolver) posted to the guard's
  // scheduler: each fails with operation_not_supported, decided without a resolver thread (the
  // scheduler's concurrency hint tells the resolver it may start none). Call when nothing else
  // is ready, so such a wait ends in its error instead of a deadlock. Returns how many ran.
  std::size_t complete_refused_operations();

 private:
  asio::detail::scheduler* scheduler_ = nullptr;  // owned by the context; null when compiled out
};

// Call from the executor's query for its execution context: with the scheduler guard compiled
// out, throws foreign_io_error when the caller is an Asio I/O object's constructor (a few frames
// unwound, each return address symbolised once per process); else does nothing.
void refuse_asio_io_object_under_construction();

}  // namespace loopcheck::sim
