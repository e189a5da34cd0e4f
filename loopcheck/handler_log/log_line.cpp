#include "loopcheck/handler_log/log_line.hpp"

#include <charconv>

namespace loopcheck::handler_log {

namespace {

// Consumes a decimal number from the front of `text`; nullopt when there is none or it
// overflows.
std::optional<std::uint64_t> take_number(std::string_view& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

bool take_prefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// "sec.usec|": Asio pads the microseconds to six digits.
std::optional<std::uint64_t> take_timestamp(std::string_view& text) {
  const auto seconds = take_number(text);
  if (!seconds || !take_char(text, '.')) return std::nullopt;
  const std::size_t digits_before = text.size();
  const auto micros = take_number(text);
  if (!micros || digits_before - text.size() != 6 || !take_char(text, '|')) return std::nullopt;
  constexpr std::uint64_t max_seconds = UINT64_MAX / 1'000'000 - 1;
  if (*seconds > max_seconds) return std::nullopt;
  return *seconds * 1'000'000 + *micros;
}

// "type@ptr.op" (the pointer is "0x..." or "(nil)"; it holds no '.').
bool parse_object_and_operation(std::string_view text, log_line& out) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  const auto dot = text.find('.', at);
  if (dot == std::string_view::npos || dot + 1 == text.size()) return false;
  out.object_type = text.substr(0, at);
  out.operation_name = text.substr(dot + 1);
  return true;
}

// "in 'func' (file:line)" or "called from 'func' (file:line)"; the quotes and func are absent
// when Asio had no function name.
bool parse_location(std::string_view text, location_view& out) {
  if (take_prefix(text, "in ")) {
    out.is_innermost = true;
  } else if (!take_prefix(text, "called from ")) {
    return false;
  }
  if (!text.ends_with(')')) return false;
  text.remove_suffix(1);
  if (take_char(text, '\'')) {
    // A function name may hold anything, "' (" included; the last one ends it.
    const auto end = text.rfind("' (");
    if (end == std::string_view::npos) return false;
    out.func = text.substr(0, end);
    text.remove_prefix(end + 3);
  } else if (!take_char(text, '(')) {
    return false;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  out.file = text.substr(0, colon);
  std::string_view digits = text.substr(colon + 1);
  const auto line = take_number(digits);
  if (!line || !digits.empty() || *line > UINT32_MAX) return false;
  out.line = static_cast<std::uint32_t>(*line);
  return true;
}

// After the timestamp: "n^m|...", "n*m|...", "n|...", or an action character and an id.
bool parse_action(std::string_view text, log_line& out) {
  if (text.empty()) return false;
  const char first = text.front();
  if (first == '>' || first == '<' || first == '!' || first == '~' || first == '.') {
    text.remove_prefix(1);
    const auto id = take_number(text);
    if (!id || *id == 0 || !take_char(text, '|')) return false;  // Asio numbers from 1
    out.operation_id = *id;
    switch (first) {
      case '>': out.what = action::entry; return true;                   // any arguments follow
      case '.': out.what = action::reactor_operation; return !text.empty();
      case '<': out.what = action::exit; break;
      case '!': out.what = action::exception; break;
      default: out.what = action::destruction; break;
    }
    return text.empty();
  }
  const auto handler = take_number(text);
  if (!handler || text.empty()) return false;
  out.handler_id = *handler;
  const char separator = text.front();
  text.remove_prefix(1);
  if (separator == '|') {
    out.what = action::object_operation;
    return parse_object_and_operation(text, out);
  }
  if (separator != '^' && separator != '*') return false;
  const auto operation = take_number(text);
  if (!operation || *operation == 0 || !take_char(text, '|')) return false;
  out.operation_id = *operation;
  if (separator == '*') {
    out.what = action::creation;
    return parse_object_and_operation(text, out);
  }
  out.what = action::creation_location;
  return parse_location(text, out.location);
}

}  // namespace

std::optional<log_line> parse_log_line(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (!take_prefix(line, line_prefix)) return std::nullopt;
  log_line out;
  const auto time_us = take_timestamp(line);
  if (!time_us) return std::nullopt;
  out.time_us = *time_us;
  if (!parse_action(line, out)) return std::nullopt;
  return out;
}

}  // namespace loopcheck::handler_log
