#pragma once
// loopcheck::detached, a drop-in for asio::detached: `co_spawn(ex, f(), loopcheck::detached)`
// reports a coroutine that ends by an exception as an unobserved_exception finding naming the
// co_spawn call's line, where asio::detached drops the exception without a word. One word
// changes; nothing else.
//
// A token is one global constant, so it cannot take a std::source_location of its call. The
// initiation captures the call stack instead (return addresses only: short_call_stack), and only a
// failure symbolises it, naming the first frame outside Boost, libstdc++ and loopcheck. The
// cost on the success path is that capture (docs/benchmarks.md, spawn_overhead's detached
// rows). The finding goes to the registry of the co_spawn executor's context (and so to every
// scoped_finding_capture, the Boost.Test fixture's): io_context, strands, thread_pool and
// the simulator alike.
//
// Any other completion signature (a timer's, a socket's) is asio::detached's: only co_spawn's
// void(std::exception_ptr, T...) carries an exception to report.
#include <exception>
#include <utility>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/call_stack.hpp"

namespace loopcheck {

struct detached_t {
  constexpr detached_t() = default;
};

inline constexpr detached_t detached{};

namespace detail {

// Records the unobserved_exception finding of a detached coroutine spawned from `spawn_site`.
void report_detached_failure(asio::execution_context& context, const short_call_stack& spawn_site,
                             const std::exception_ptr& error);

class detached_handler {
 public:
  detached_handler(asio::execution_context& context, short_call_stack spawn_site)
      : context_(&context), spawn_site_(spawn_site) {}

  template <typename... Values>
  void operator()(std::exception_ptr error, Values&&...) const {
    if (error) report_detached_failure(*context_, spawn_site_, error);
  }

 private:
  // The co_spawn executor's context: a handler that runs has a live context, and one whose
  // context is destroyed first is destroyed without running.
  asio::execution_context* context_;
  short_call_stack spawn_site_;
};

}  // namespace detail

}  // namespace loopcheck

namespace boost::asio {

template <typename... Values>
class async_result<loopcheck::detached_t, void(std::exception_ptr, Values...)> {
 public:
  template <typename Initiation, typename... Args>
  static void initiate(Initiation&& initiation, loopcheck::detached_t, Args&&... args) {
    // co_spawn's initiation carries the executor the coroutine runs on.
    auto& context = asio::query(asio::get_associated_executor(initiation), asio::execution::context);
    std::forward<Initiation>(initiation)(loopcheck::detail::detached_handler(context, loopcheck::short_call_stack::capture()),
                                         std::forward<Args>(args)...);
  }
};

template <typename Signature>
class async_result<loopcheck::detached_t, Signature> {
 public:
  template <typename Initiation, typename... Args>
  static auto initiate(Initiation&& initiation, loopcheck::detached_t, Args&&... args) {
    return asio::async_initiate<const asio::detached_t&, Signature>(std::forward<Initiation>(initiation),
                                                                     asio::detached, std::forward<Args>(args)...);
  }
};

}  // namespace boost::asio
