#pragma once
// The simulator's event log: every scheduling decision, handler post and completion, timer
// set/fire/cancel, fault point and outside event (the simulated file system's operations). All
// events feed one FNV-1a hash that identifies the run; only the last `capacity_events` are
// kept for display. Details must never contain pointer values or anything else that differs
// between two runs of the same seed.
//
// Several events are recorded per simulated step, so recording formats nothing: an event keeps
// its format string and its arguments (integers, or text copied into reused buffers), the hash
// covers the kind and the arguments, and the detail text is built only when recent() is read.
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "loopcheck/sim/fnv1a.hpp"

namespace loopcheck::sim {

struct sim_event {
  std::uint64_t index = 0;             // position in the run's event stream, from 0
  std::chrono::nanoseconds time{0};    // virtual time
  std::string kind;                    // "post", "pick", "timer.fire", "fs", ...
  std::string detail;
};

class event_log {
 public:
  static constexpr std::size_t max_args = 4;

  explicit event_log(std::size_t capacity_events);
  ~event_log();
  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  // `format` must outlive the log (a string literal): it is kept, not copied. Arguments are
  // integers, booleans or text.
  template <typename... Args>
  void record(std::chrono::nanoseconds time, std::string_view kind, fmt::format_string<Args...> format,
              const Args&... args) {
    static_assert(sizeof...(Args) <= max_args, "an event takes at most event_log::max_args arguments");
    const fmt::string_view format_text = format;
    entry& e = begin(time, kind, std::string_view(format_text.data(), format_text.size()));
    (add(e, args), ...);
    finish(e);
  }

  std::uint64_t hash() const { return hash_; }
  std::uint64_t total_events() const { return total_events_; }
  // The most recent events, oldest first; at most capacity_events of them.
  std::vector<sim_event> recent() const;

 private:
  enum class arg_type : std::uint8_t { signed_integer, unsigned_integer, boolean, text };
  struct entry {
    std::uint64_t index = 0;
    std::chrono::nanoseconds time{0};
    std::string kind;
    std::string_view format;
    std::size_t arg_count = 0;
    std::array<arg_type, max_args> types{};
    // An integer argument's value, or a text argument's end offset in `text`.
    std::array<std::uint64_t, max_args> bits{};
    std::string text;  // the text arguments, back to back; its capacity is reused
  };
  // Entries live in fixed-size chunks, allocated as the ring first fills: recording never moves
  // an entry, and a short run does not pay for the whole ring.
  static constexpr std::size_t chunk_entries = 64;
  // A destroyed log leaves its chunks to the next log on the same thread, up to this many: a
  // campaign creates a context per run, and fresh memory for each costs page faults that
  // dominate a short run.
  static constexpr std::size_t max_spare_chunks = 64;
  using chunk = std::unique_ptr<entry[]>;
  static std::vector<chunk>& spare_chunks();

  entry& begin(std::chrono::nanoseconds time, std::string_view kind, std::string_view format);
  void finish(entry& e);
  // Appends an argument of `type` to `e` and returns its value slot.
  std::uint64_t& next_arg(entry& e, arg_type type);
  const entry& at(std::uint64_t index) const;

  template <typename T>
    requires std::integral<T>
  void add(entry& e, T value) {
    if constexpr (std::same_as<T, bool>) {
      next_arg(e, arg_type::boolean) = value ? 1 : 0;
    } else if constexpr (std::is_signed_v<T>) {
      next_arg(e, arg_type::signed_integer) = static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
    } else {
      next_arg(e, arg_type::unsigned_integer) = static_cast<std::uint64_t>(value);
    }
    hash_ = hash_word(e.bits[e.arg_count - 1], hash_);
  }
  void add(entry& e, std::string_view text);

  std::size_t capacity_events_;
  std::uint64_t hash_;
  std::uint64_t total_events_ = 0;
  std::size_t allocated_entries_ = 0;
  // A ring of capacity_events_ slots, reused so that recording allocates nothing once warm.
  std::vector<chunk> chunks_;
};

}  // namespace loopcheck::sim
