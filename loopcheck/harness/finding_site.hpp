#pragma once
// Where a finding points in the source. A finding made in this process carries its site as a
// std::source_location; one made from text (a sanitizer's frame, a handler-tracking log, a JSON
// report read back by `merge`, an isolated run's result) cannot build one, so it carries the
// site at the front of its message as "at FILE:LINE: " (finding_json.hpp, handler_log/
// to_findings.hpp). Report writers that need the site as data (SARIF) read both through here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

struct source_site {
  std::string file;
  std::uint32_t line = 0;
};

// The finding's site, or nullopt when it has none.
std::optional<source_site> site_of(const finding& f);

// The message without a leading "at FILE:LINE: " (the whole message when it has none).
std::string_view message_without_site(const finding& f);

// "at FILE:LINE: MESSAGE": how a finding made from text carries its site.
std::string message_with_site(const source_site& site, std::string_view message);

}  // namespace loopcheck::harness
