#include "loopcheck/handler_log/line_reader.hpp"

#include <algorithm>
#include <istream>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::handler_log {

line_reader::line_reader(std::istream& in) : in_(in) { line_.reserve(max_line_bytes); }

bool line_reader::failed() const { return in_.bad(); }

bool line_reader::refill() {
  if (!in_) return false;
  in_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
  chunk_begin_ = 0;
  chunk_end_ = static_cast<std::size_t>(in_.gcount());
  return chunk_end_ != 0;
}

std::optional<std::string_view> line_reader::next() {
  // Each round consumes a whole chunk or ends a line, so the loop ends with the stream; an
  // overlong line is dropped and the next one read.
  for (;;) {
    line_.clear();
    bool overlong = false;
    bool at_end = false;
    for (;;) {
      if (chunk_begin_ == chunk_end_ && !refill()) {
        at_end = true;
        break;
      }
      const char* begin = chunk_.data() + chunk_begin_;
      const char* end = chunk_.data() + chunk_end_;
      const char* newline = std::find(begin, end, '\n');
      const auto piece = static_cast<std::size_t>(newline - begin);
      if (!overlong && line_.size() + piece <= max_line_bytes) {
        line_.append(begin, piece);
      } else {
        overlong = true;
        line_.clear();
      }
      chunk_begin_ += piece;
      if (newline != end) {
        ++chunk_begin_;
        break;
      }
    }
    LOOPCHECK_INVARIANT(line_.size() <= max_line_bytes);
    if (overlong) {
      ++overlong_lines_;
      continue;
    }
    // The stream ended: a final piece without a newline is still a line (a truncated log).
    if (at_end && line_.empty()) return std::nullopt;
    return std::string_view(line_);
  }
}

}  // namespace loopcheck::handler_log
