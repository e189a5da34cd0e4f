#pragma once
// One line of Asio's handler-tracking text (BOOST_ASIO_ENABLE_HANDLER_TRACKING, Asio 1.26 =
// Boost 1.81), parsed without copying: the views point into the line given to parse_log_line.
//
//   @asio|1796166643.743963|0^1|in 'co_spawn_entry_point' (/usr/include/boost/asio/impl/co_spawn.hpp:147)
//   @asio|1796166643.743963|0*1|io_context@0x7ffe9e7f04b0.execute
//   @asio|1796166643.744050|>1|ec=system:0
//   @asio|1796166643.744094|<1|
//
// The actions: `n^m` a source location of m's creation (`in` the innermost frame, then `called
// from` lines; all before `n*m`), `n*m` handler n (0: none) created operation m, `>m` entered,
// `<m` returned, `!m` left by exception, `~m` destroyed without being invoked, `n|type@ptr.op`
// an operation on an object (cancel, close), `.m|...` a reactor operation.
#include <cstdint>
#include <optional>
#include <string_view>

namespace loopcheck::handler_log {

enum class action : std::uint8_t {
  creation_location,  // n^m
  creation,           // n*m
  entry,              // >m
  exit,               // <m
  exception,          // !m
  destruction,        // ~m
  object_operation,   // n|type@ptr.op
  reactor_operation,  // .m|...
};

// A source location as Asio prints it; func may be empty (Asio prints none for a null name).
struct location_view {
  std::string_view func;
  std::string_view file;
  std::uint32_t line = 0;
  bool is_innermost = false;  // "in ...", not "called from ..."
};

struct log_line {
  action what = action::creation;
  std::uint64_t time_us = 0;    // the line's timestamp, microseconds since the epoch
  std::uint64_t handler_id = 0; // n: the handler running when it happened (0: none)
  std::uint64_t operation_id = 0;  // m: the operation it is about (0 for object_operation)
  std::string_view object_type;    // creation, object_operation: "io_context", "deadline_timer"
  std::string_view operation_name; // creation, object_operation: "execute", "async_wait"
  location_view location;          // creation_location only
};

// Asio writes a line with one write() of at most 255 bytes; the parser accepts lines of any
// length it is given (line_reader bounds them). A trailing '\r' is ignored.
inline constexpr std::string_view line_prefix = "@asio|";

// The parsed line, or nullopt when `line` is not exactly one well-formed handler-tracking line
// (another program's output, a truncated or damaged line).
std::optional<log_line> parse_log_line(std::string_view line);

}  // namespace loopcheck::handler_log
