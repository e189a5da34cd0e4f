#pragma once
// A call stack kept as return addresses and symbolised only when someone reports it: the
// capture is cheap enough for every co_spawn(..., loopcheck::detached) (docs/benchmarks.md,
// spawn_overhead), the symbolisation (DWARF, through libbacktrace) is paid once per finding.
// It finds where a call came from when the callee cannot take a std::source_location: an
// Asio completion token is one global constant, an Asio I/O object's constructor is Asio's.
#include <array>
#include <cstddef>
#include <cstdint>
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

class call_stack {
 public:
  // Deep enough to reach the caller through Asio's initiation layers (measured for
  // co_spawn(..., loopcheck::detached), g++ 12: the user's frame is the 5th, at -O2 and -O0
  // alike), shallow enough to keep the capture cheap: unwinding costs per frame.
  static constexpr std::size_t capacity_frames = 8;

  // The stack of the caller of capture(), innermost first.
  static call_stack capture() noexcept;

  // Every frame, innermost first. Empty when symbolisation is not available in this build.
  std::vector<source_frame> symbolise() const;
  // The innermost frame with a source file outside Boost, the C++ standard library and
  // loopcheck's own headers: the user's line that led here.
  std::optional<source_frame> first_user_frame() const;

  // "file.cpp:42 (in f())", "in f()" without a line, or "an unknown site".
  static std::string describe(const std::optional<source_frame>& frame);

 private:
  std::array<void*, capacity_frames> return_addresses_{};
  std::uint8_t size_ = 0;
};

// Whether call_stack can name files and lines in this build (libbacktrace was found).
bool call_stack_has_lines();

}  // namespace loopcheck
