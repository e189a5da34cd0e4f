#pragma once
// A call stack kept as return addresses and symbolised only when someone reports it: the
// capture is cheap enough for every co_spawn(..., loopcheck::detached) (docs/benchmarks.md,
// spawn_overhead), the symbolisation (DWARF, through libbacktrace) is paid once per finding.
// It finds where a call came from when the callee cannot take a std::source_location: an
// Asio completion token is one global constant, an Asio I/O object's constructor is Asio's.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace loopcheck {

// One frame, inline frames included (an address inside inlined code yields several).
struct source_frame {
  std::string function;  // demangled when it can be; empty when unknown
  std::string file;      // empty without debug information
  int line = 0;
};

// "file.cpp:42 (in f())", "in f()" without a line, or "an unknown site".
std::string describe(const std::optional<source_frame>& frame);

// Whether call stacks name files and lines in this build (libbacktrace was found).
bool call_stack_has_lines();

namespace detail {
// Fills `addresses` with the return addresses of its caller's callers, innermost first.
std::size_t capture_return_addresses(void** addresses, std::size_t capacity) noexcept;
std::vector<source_frame> symbolise(void* const* addresses, std::size_t count);
std::optional<source_frame> first_user_frame(void* const* addresses, std::size_t count);
}  // namespace detail

// What a visitor of walk_return_addresses wants next.
enum class walk : bool { stop, go_on };

// Calls visit(return_address, data) for the caller's callers, innermost first, until it returns
// walk::stop or max_frames were visited. Where the answer is usually a few frames up, this
// unwinds only those frames, where capture() unwinds its whole capacity.
void walk_return_addresses(std::size_t max_frames, walk (*visit)(void* return_address, void* data), void* data);

// Unwinding costs per frame, so each use keeps only as many as it needs.
template <std::size_t CapacityFrames>
class basic_call_stack {
 public:
  static constexpr std::size_t capacity_frames = CapacityFrames;

  // The stack of the caller of capture(), innermost first.
  [[gnu::always_inline]] static basic_call_stack capture() noexcept {
    basic_call_stack stack;
    stack.size_ = detail::capture_return_addresses(stack.return_addresses_.data(), capacity_frames);
    return stack;
  }

  // Every frame, innermost first.
  std::vector<source_frame> symbolise() const { return detail::symbolise(return_addresses_.data(), size_); }
  // The innermost frame with a source file outside Boost, the C++ standard library and
  // loopcheck's own sources: the user's line that led here.
  std::optional<source_frame> first_user_frame() const {
    return detail::first_user_frame(return_addresses_.data(), size_);
  }

 private:
  std::array<void*, capacity_frames> return_addresses_{};
  std::size_t size_ = 0;
};

// Deep enough for co_spawn(..., loopcheck::detached): the user's frame is the 5th from the
// token's initiation, at -O2 and -O0 alike (g++ 12, Boost 1.81).
using short_call_stack = basic_call_stack<8>;
// Deep enough for an Asio I/O object's constructor down to its reactor's task factory: more
// than 8 frames at -O0 (g++ 12, Boost 1.81; the sanitizer presets' foreign_io tests need more).
using deep_call_stack = basic_call_stack<24>;

}  // namespace loopcheck
