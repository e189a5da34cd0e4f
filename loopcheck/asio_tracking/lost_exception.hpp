#pragma once
// The finding of a coroutine spawned with co_spawn(..., asio::detached) that ended by an
// exception: Asio hands the exception to the detached token, which drops it, and no handler
// leaves by exception, so the tracker's hooks never see it (detached_reporting.hpp routes it
// here). Includes no Asio header, like the rest of the tracker's library.
#include <exception>

#include "loopcheck/runtime/call_stack.hpp"

namespace loopcheck::asio_tracking {

// Reports an unobserved_exception naming the co_spawn call's line, the first frame of
// `spawn_site` outside Boost, the C++ library and loopcheck (symbolised now, on failure only).
void report_lost_detached_exception(const short_call_stack& spawn_site, const std::exception_ptr& error) noexcept;

}  // namespace loopcheck::asio_tracking
