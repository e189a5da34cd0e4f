#include "loopcheck/runtime/detached.hpp"

#include <fmt/format.h>

#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck::detail {

void report_detached_failure(asio::execution_context& context, const short_call_stack& spawn_site,
                             const std::exception_ptr& error) {
  const auto& core = task_registry::of(context).core();
  finding f;
  f.kind = finding_kind::unobserved_exception;
  f.time = core->now();
  f.message = fmt::format(
      "a coroutine spawned at {} with co_spawn(..., loopcheck::detached) failed and nobody retrieved its "
      "exception: {}",
      loopcheck::describe(spawn_site.first_user_frame()), describe(error));
  core->record(std::move(f));
}

}  // namespace loopcheck::detail
