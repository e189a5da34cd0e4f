#pragma once
// async_run_blocking: runs a blocking function on a thread pool and completes on the caller's
// executor with its result or exception, never into a destroyed context (in_flight_calls.hpp).
// Completion signature: void(std::exception_ptr) for a void function, else
// void(std::exception_ptr, Result); with asio::use_awaitable the exception is rethrown.
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/vfs/in_flight_calls.hpp"

namespace loopcheck::vfs {

namespace blocking_call_detail {

template <typename Result>
struct completion_signature {
  using type = void(std::exception_ptr, Result);
};
template <>
struct completion_signature<void> {
  using type = void(std::exception_ptr);
};

template <typename Handler, typename Result>
class completion final : public pending_completion {
 public:
  explicit completion(Handler handler) : handler_(std::move(handler)), work_(asio::make_work_guard(handler_)) {}

  template <typename Blocking>
  void run(Blocking& blocking) noexcept {
    try {
      if constexpr (std::is_void_v<Result>) {
        blocking();
      } else {
        value_ = blocking();
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  void post() override {
    if constexpr (std::is_void_v<Result>) {
      asio::post(asio::append(std::move(handler_), error_));
    } else {
      asio::post(asio::append(std::move(handler_), error_, std::move(value_)));
    }
    work_.reset();
  }

 private:
  struct no_value {};

  Handler handler_;
  // Keeps the caller's context from running out of work while the call is on the pool.
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
  std::exception_ptr error_;
  std::conditional_t<std::is_void_v<Result>, no_value, Result> value_{};
};

}  // namespace blocking_call_detail

template <typename Blocking, typename CompletionToken>
auto async_run_blocking(asio::thread_pool::executor_type pool, Blocking blocking, CompletionToken&& token) {
  using result_type = decltype(blocking());
  auto initiate = [pool](auto handler, Blocking blocking) {
    using completion_type = blocking_call_detail::completion<decltype(handler), result_type>;
    std::shared_ptr<call_ledger> ledger = in_flight_calls::ledger_of(
        asio::query(asio::get_associated_executor(handler), asio::execution::context));
    ledger->begin_call();
    auto call = std::make_unique<completion_type>(std::move(handler));
    asio::post(pool, [ledger = std::move(ledger), call = std::move(call), blocking = std::move(blocking)]() mutable {
      // The caller's context began shutting down before the call started: skip the work, since
      // nobody will see its outcome.
      if (ledger->caller_alive()) call->run(blocking);
      ledger->end_call(std::move(call));
    });
  };
  return asio::async_initiate<CompletionToken, typename blocking_call_detail::completion_signature<result_type>::type>(
      std::move(initiate), token, std::move(blocking));
}

}  // namespace loopcheck::vfs
