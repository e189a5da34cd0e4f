#include "loopcheck/runtime/foreign_io.hpp"

#include <fmt/format.h>

#include "loopcheck/runtime/clock.hpp"

namespace loopcheck {

void throw_foreign_io(std::string_view object, std::string_view instead, const std::optional<source_frame>& site) {
  throw foreign_io_error(fmt::format(
      "{}{} used on a simulated execution context: it needs real I/O (Asio's reactor and its thread, or "
      "real threads), which would complete in real time outside the simulation; {}",
      object, site ? " at " + describe(site) : std::string(), instead));
}

void refuse_virtual_time(const asio::any_io_executor& ex, std::string_view object, std::string_view instead) {
  if (clock_of(ex).is_virtual()) throw_foreign_io(object, instead, std::nullopt);
}

}  // namespace loopcheck
