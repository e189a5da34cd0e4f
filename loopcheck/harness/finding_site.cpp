#include "loopcheck/harness/finding_site.hpp"

#include <charconv>
#include <fmt/format.h>

namespace loopcheck::harness {

namespace {

constexpr std::string_view site_prefix = "at ";

struct parsed_prefix {
  source_site site;
  std::size_t length = 0;  // of "at FILE:LINE: "
};

// "at FILE:LINE: ..." → FILE and LINE. FILE may hold ':' itself, so the site ends at the
// first ":DIGITS: " after it.
std::optional<parsed_prefix> parse_site_prefix(std::string_view message) {
  if (!message.starts_with(site_prefix)) return std::nullopt;
  for (auto colon = message.find(':', site_prefix.size()); colon != std::string_view::npos;
       colon = message.find(':', colon + 1)) {
    const auto digits_begin = colon + 1;
    auto digits_end = digits_begin;
    while (digits_end < message.size() && message[digits_end] >= '0' && message[digits_end] <= '9') ++digits_end;
    if (digits_end == digits_begin || message.substr(digits_end, 2) != ": ") continue;
    std::uint32_t line = 0;
    const auto [end, error] = std::from_chars(message.data() + digits_begin, message.data() + digits_end, line);
    if (error != std::errc() || line == 0 || colon == site_prefix.size()) return std::nullopt;
    const auto file = message.substr(site_prefix.size(), colon - site_prefix.size());
    return parsed_prefix{{std::string(file), line}, digits_end + 2};
  }
  return std::nullopt;
}

}  // namespace

std::optional<source_site> site_of(const finding& f) {
  if (f.site.line() != 0) return source_site{f.site.file_name(), f.site.line()};
  if (auto parsed = parse_site_prefix(f.message)) return std::move(parsed->site);
  return std::nullopt;
}

std::string_view message_without_site(const finding& f) {
  const std::string_view message = f.message;
  const auto parsed = parse_site_prefix(message);
  return parsed ? message.substr(parsed->length) : message;
}

std::string message_with_site(const source_site& site, std::string_view message) {
  return fmt::format("{}{}:{}: {}", site_prefix, site.file, site.line, message);
}

}  // namespace loopcheck::harness
