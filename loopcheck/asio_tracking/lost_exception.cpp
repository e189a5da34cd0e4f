#include "loopcheck/asio_tracking/lost_exception.hpp"

#include <fmt/format.h>

#include "loopcheck/asio_tracking/report.hpp"
#include "loopcheck/asio_tracking/source_site.hpp"
#include "loopcheck/runtime/exception_text.hpp"

namespace loopcheck::asio_tracking {

void report_lost_detached_exception(const short_call_stack& spawn_site, const std::exception_ptr& error) noexcept {
  try {
    const auto frame = spawn_site.first_user_frame();
    report({.kind = finding_kind::unobserved_exception,
            .task_name = "co_spawn",
            .site = frame && frame->line > 0
                        ? make_source_location(frame->file.c_str(), static_cast<unsigned>(frame->line),
                                               frame->function.c_str())
                        : std::source_location{},
            .time = tracking_time(),
            .message = fmt::format("a coroutine spawned with co_spawn(..., asio::detached) failed and nobody "
                                   "retrieved its exception: {}",
                                   loopcheck::detail::describe(error))});
  } catch (...) {
    // Out of memory while formatting: the handler must not throw, and the finding is lost.
  }
}

}  // namespace loopcheck::asio_tracking
