#pragma once
// Splits a stream into lines without ever holding more than one bounded line: a log of any size
// (or one without a newline at all) costs a fixed amount of memory.
#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace loopcheck::handler_log {

class line_reader {
 public:
  // Asio's lines are at most 255 bytes; anything much longer is not one of them.
  static constexpr std::size_t max_line_bytes = 4096;

  explicit line_reader(std::istream& in);

  // The next line without its '\n' (the last one may lack it: a truncated log), or nullopt at
  // the end of the stream. A line longer than max_line_bytes is skipped whole and counted. The
  // view is valid until the next call.
  std::optional<std::string_view> next();

  std::uint64_t overlong_lines() const { return overlong_lines_; }
  // A read error, as opposed to the end of the stream.
  bool failed() const;

 private:
  static constexpr std::size_t chunk_bytes = 64 * 1024;

  bool refill();

  std::istream& in_;
  std::array<char, chunk_bytes> chunk_{};
  std::size_t chunk_begin_ = 0;
  std::size_t chunk_end_ = 0;
  std::string line_;  // capacity stays ≤ max_line_bytes
  std::uint64_t overlong_lines_ = 0;
};

}  // namespace loopcheck::handler_log
