#include "loopcheck/runtime/call_stack.hpp"

#include <cxxabi.h>
#include <execinfo.h>
#include <unwind.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <string_view>

#include "loopcheck/runtime/invariant.hpp"

#if __has_include(<backtrace.h>) && defined(LOOPCHECK_HAVE_LIBBACKTRACE)
#include <backtrace.h>
#define LOOPCHECK_DETAIL_LIBBACKTRACE 1
#else
#define LOOPCHECK_DETAIL_LIBBACKTRACE 0
#endif

namespace loopcheck {

namespace {

// The directory of loopcheck's sources, from this file's own path: frames there are the
// library's, not the caller's.
std::string_view loopcheck_directory() {
  constexpr std::string_view self = __FILE__;
  constexpr std::string_view suffix = "runtime/call_stack.cpp";
  static_assert(self.ends_with(suffix));
  return self.substr(0, self.size() - suffix.size());
}

// Loopcheck's own files (its sources, or its headers where they are installed), Boost, the C++
// and C libraries, and a sanitizer's runtime (ASan and TSan intercept backtrace()).
bool is_library_file(std::string_view file) {
  return file.starts_with(loopcheck_directory()) || file.find("/include/loopcheck/") != std::string_view::npos ||
         file.find("/boost/") != std::string_view::npos || file.find("/c++/") != std::string_view::npos ||
         file.starts_with("/usr/include/") || file.find("/libsanitizer/") != std::string_view::npos;
}

#if LOOPCHECK_DETAIL_LIBBACKTRACE

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> plain(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                                          &std::free);
  return status == 0 && plain ? std::string(plain.get()) : std::string(name);
}

void ignore_error(void*, const char*, int) {}

backtrace_state* symbol_state() {
  // Created on first use and kept for the process: libbacktrace has no way to free it.
  static backtrace_state* const state = backtrace_create_state(nullptr, /*threaded=*/1, ignore_error, nullptr);
  return state;
}

int add_frame(void* data, std::uintptr_t, const char* file, int line, const char* function) {
  auto& frames = *static_cast<std::vector<source_frame>*>(data);
  frames.push_back({demangle(function), file != nullptr ? file : "", line});
  return 0;  // go on with the outer inline frames
}

void add_symbol(void* data, std::uintptr_t, const char* symbol, std::uintptr_t, std::uintptr_t) {
  auto& frames = *static_cast<std::vector<source_frame>*>(data);
  frames.push_back({demangle(symbol), "", 0});
}

#endif

}  // namespace

bool call_stack_has_lines() { return LOOPCHECK_DETAIL_LIBBACKTRACE != 0; }

std::string describe(const std::optional<source_frame>& frame) {
  if (!frame) return "an unknown site";
  if (frame->line == 0) return fmt::format("in {}", frame->function);
  return fmt::format("{}:{} (in {})", frame->file, frame->line, frame->function);
}

namespace detail {

// Not inlined: its own frame is the one to drop, whatever the optimiser does with the callers.
[[gnu::noinline]] std::size_t capture_return_addresses(void** addresses, std::size_t capacity) noexcept {
  constexpr std::size_t max_capacity = 64;
  LOOPCHECK_INVARIANT(capacity <= max_capacity);
  std::array<void*, max_capacity + 1> taken;
  const int count = ::backtrace(taken.data(), static_cast<int>(capacity + 1));
  std::size_t size = 0;
  for (int i = 1; i < count; ++i) addresses[size++] = taken[static_cast<std::size_t>(i)];
  return size;
}

std::vector<source_frame> symbolise(void* const* addresses, std::size_t count) {
  std::vector<source_frame> frames;
#if LOOPCHECK_DETAIL_LIBBACKTRACE
  backtrace_state* state = symbol_state();
  if (state == nullptr) return frames;
  for (std::size_t i = 0; i < count; ++i) {
    // A return address points after the call: one byte back is inside the call's line.
    const auto pc = reinterpret_cast<std::uintptr_t>(addresses[i]) - 1;
    const std::size_t before = frames.size();
    backtrace_pcinfo(state, pc, add_frame, ignore_error, &frames);
    const bool named = frames.size() > before && !frames.back().function.empty();
    if (!named) {
      frames.resize(before);
      backtrace_syminfo(state, pc, add_symbol, ignore_error, &frames);
    }
  }
#else
  const std::unique_ptr<char*, decltype(&std::free)> symbols(::backtrace_symbols(addresses, static_cast<int>(count)),
                                                             &std::free);
  for (std::size_t i = 0; symbols && i < count; ++i) frames.push_back({symbols.get()[i], "", 0});
#endif
  return frames;
}

std::optional<source_frame> first_user_frame(void* const* addresses, std::size_t count) {
  for (auto& frame : symbolise(addresses, count)) {
    if (!frame.file.empty() && !is_library_file(frame.file)) return std::move(frame);
  }
  return std::nullopt;
}

}  // namespace detail

namespace {

struct walk_state {
  std::size_t frames_left;
  bool skipped_self = false;  // the first frame unwound is walk_return_addresses's own
  walk (*visit)(void*, void*);
  void* data;
};

_Unwind_Reason_Code visit_frame(_Unwind_Context* context, void* raw) {
  auto& state = *static_cast<walk_state*>(raw);
  if (!state.skipped_self) {
    state.skipped_self = true;
    return _URC_NO_REASON;
  }
  void* address = reinterpret_cast<void*>(_Unwind_GetIP(context));
  if (address == nullptr || state.frames_left == 0) return _URC_END_OF_STACK;
  --state.frames_left;
  return state.visit(address, state.data) == walk::go_on ? _URC_NO_REASON : _URC_END_OF_STACK;
}

}  // namespace

// Not inlined: its own frame is the one to skip.
[[gnu::noinline]] void walk_return_addresses(std::size_t max_frames, walk (*visit)(void*, void*), void* data) {
  walk_state state{max_frames, false, visit, data};
  _Unwind_Backtrace(visit_frame, &state);
}

}  // namespace loopcheck

#undef LOOPCHECK_DETAIL_LIBBACKTRACE  // a unity batch's next file must not see it
