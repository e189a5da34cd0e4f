#pragma once
// A move-only, type-erased `void()` function object: one handler waiting in the simulator's
// ready queue. (std::move_only_function is C++23.) Asio hands the executor small function
// objects (executor_function is one pointer), so those are stored inline: a simulated step
// then allocates nothing here. Larger ones, or ones that may throw when moved, go to the heap.
#include <cassert>
#include <concepts>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace loopcheck::sim {

class ready_handler {
 public:
  static constexpr std::size_t inline_capacity_bytes = 3 * sizeof(void*);

  template <typename Function>
    requires(!std::same_as<std::decay_t<Function>, ready_handler> && std::invocable<std::decay_t<Function>&&>)
  explicit ready_handler(Function&& f) {
    using stored = std::decay_t<Function>;
    if constexpr (fits_inline<stored>) {
      ::new (static_cast<void*>(storage_)) stored(std::forward<Function>(f));
      ops_ = &inline_ops<stored>;
    } else {
      *reinterpret_cast<stored**>(storage_) = new stored(std::forward<Function>(f));
      ops_ = &heap_ops<stored>;
    }
  }

  ready_handler(ready_handler&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) ops_->relocate(other.storage_, storage_);
    other.ops_ = nullptr;
  }
  ready_handler& operator=(ready_handler&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) ops_->relocate(other.storage_, storage_);
      other.ops_ = nullptr;
    }
    return *this;
  }
  ~ready_handler() { reset(); }

  // Runs the handler once; the function object itself is destroyed with this ready_handler.
  void operator()() && {
    assert(ops_ != nullptr);
    ops_->invoke(storage_);
  }

 private:
  template <typename F>
  static constexpr bool fits_inline = sizeof(F) <= inline_capacity_bytes &&
                                      alignof(F) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<F>;

  struct operations {
    void (*invoke)(std::byte* storage);
    // Moves the function from `from` into the empty `to`, leaving `from` empty.
    void (*relocate)(std::byte* from, std::byte* to) noexcept;
    void (*destroy)(std::byte* storage) noexcept;
  };

  template <typename F>
  static constexpr operations inline_ops{
      [](std::byte* s) { std::move(*std::launder(reinterpret_cast<F*>(s)))(); },
      [](std::byte* from, std::byte* to) noexcept {
        F* source = std::launder(reinterpret_cast<F*>(from));
        ::new (static_cast<void*>(to)) F(std::move(*source));
        source->~F();
      },
      [](std::byte* s) noexcept { std::launder(reinterpret_cast<F*>(s))->~F(); }};

  template <typename F>
  static constexpr operations heap_ops{
      [](std::byte* s) { std::move(**reinterpret_cast<F**>(s))(); },
      [](std::byte* from, std::byte* to) noexcept { *reinterpret_cast<F**>(to) = *reinterpret_cast<F**>(from); },
      [](std::byte* s) noexcept { delete *reinterpret_cast<F**>(s); }};

  void reset() noexcept {
    if (ops_ != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

  const operations* ops_ = nullptr;
  alignas(std::max_align_t) std::byte storage_[inline_capacity_bytes];
};

}  // namespace loopcheck::sim
