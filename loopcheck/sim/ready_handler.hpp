#pragma once
// A move-only, type-erased `void()` function object: one handler waiting in the simulator's
// ready queue. (std::move_only_function is C++23.)
#include <cassert>
#include <concepts>
#include <memory>
#include <type_traits>
#include <utility>

namespace loopcheck::sim {

class ready_handler {
 public:
  template <typename Function>
    requires(!std::same_as<std::decay_t<Function>, ready_handler> && std::invocable<std::decay_t<Function>&&>)
  explicit ready_handler(Function&& f)
      : impl_(std::make_unique<model<std::decay_t<Function>>>(std::forward<Function>(f))) {}

  ready_handler(ready_handler&&) noexcept = default;
  ready_handler& operator=(ready_handler&&) noexcept = default;

  // Runs the handler once; the function object itself is destroyed with this ready_handler.
  void operator()() && {
    assert(impl_ != nullptr);
    impl_->invoke();
  }

 private:
  struct concept_base {
    virtual ~concept_base() = default;
    virtual void invoke() = 0;
  };
  template <typename Function>
  struct model final : concept_base {
    explicit model(Function&& f) : function(std::move(f)) {}
    explicit model(const Function& f) : function(f) {}
    void invoke() override { std::move(function)(); }
    Function function;
  };

  std::unique_ptr<concept_base> impl_;
};

}  // namespace loopcheck::sim
