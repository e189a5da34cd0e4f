#include "loopcheck/asio_tracking/source_site.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <execinfo.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "loopcheck/runtime/call_stack.hpp"

namespace loopcheck::asio_tracking {

struct captured_stack {
  std::array<void*, max_stack_frames> frames{};
  int size = 0;
  mutable std::once_flag resolved;
  mutable std::source_location site;
};

namespace {

std::mutex stacks_mutex;
std::unordered_map<std::string, std::unique_ptr<captured_stack>>& stacks() {
  static auto* table = new std::unordered_map<std::string, std::unique_ptr<captured_stack>>();  // never destroyed:
  return *table;  // operations may be reported from static destructors
}

bool contains(const char* text, const char* part) { return std::strstr(text, part) != nullptr; }

// The user's frame of a root's stack: the runtime's call-stack symbolisation picks it.
std::source_location first_user_frame(const captured_stack& stack) {
  const auto frame = loopcheck::detail::first_user_frame(stack.frames.data(), static_cast<std::size_t>(stack.size));
  if (!frame || frame->line <= 0) return {};
  return make_source_location(frame->file.c_str(), static_cast<unsigned>(frame->line), frame->function.c_str());
}

}  // namespace

bool is_boost_file(const char* file) noexcept {
  return file == nullptr || contains(file, "/boost/") || std::strncmp(file, "boost/", 6) == 0;
}

const captured_stack* capture_root_stack() noexcept {
  std::array<void*, max_stack_frames> frames{};
  const int size = ::backtrace(frames.data(), max_stack_frames);
  if (size <= 0) return nullptr;
  std::string key(reinterpret_cast<const char*>(frames.data()), static_cast<std::size_t>(size) * sizeof(void*));
  try {
    std::lock_guard lock(stacks_mutex);
    auto& table = stacks();
    if (auto it = table.find(key); it != table.end()) return it->second.get();
    if (table.size() >= static_cast<std::size_t>(max_root_stacks)) return nullptr;
    auto stack = std::make_unique<captured_stack>();
    stack->frames = frames;
    stack->size = size;
    return table.emplace(std::move(key), std::move(stack)).first->second.get();
  } catch (...) {
    return nullptr;  // out of memory: the operation goes without a site
  }
}

std::source_location resolve_site(const operation_state& state) {
  if (state.user_location.file != nullptr) {
    return make_source_location(state.user_location.file, static_cast<unsigned>(state.user_location.line),
                                state.user_location.function);
  }
  if (state.root_stack == nullptr) return {};
  const captured_stack& stack = *state.root_stack;
  std::call_once(stack.resolved, [&stack] { stack.site = first_user_frame(stack); });
  return stack.site;
}

std::source_location make_source_location(const char* file, unsigned line, const char* function) {
#if defined(__GLIBCXX__)
  // libstdc++'s std::source_location is one pointer to this layout.
  struct site_impl {
    const char* file_name;
    const char* function_name;
    unsigned line;
    unsigned column;
  };
  struct interned_site {
    std::string file;
    std::string function;
    site_impl impl;
  };
  static_assert(sizeof(std::source_location) == sizeof(const site_impl*));
  static_assert(std::is_trivially_copyable_v<std::source_location>);
  static std::mutex mutex;
  static auto* sites = new std::map<std::tuple<std::string, unsigned, std::string>, std::unique_ptr<interned_site>>();
  std::string function_text = function == nullptr ? "" : function;
  std::lock_guard lock(mutex);
  auto [it, inserted] = sites->try_emplace({file, line, function_text});
  if (inserted) {
    it->second = std::make_unique<interned_site>(interned_site{file, std::move(function_text), {}});
    it->second->impl = {it->second->file.c_str(), it->second->function.c_str(), line, 0};
  }
  return std::bit_cast<std::source_location>(static_cast<const site_impl*>(&it->second->impl));
#else
  (void)file, (void)line, (void)function;
  return {};
#endif
}

}  // namespace loopcheck::asio_tracking
