#pragma once
// Force-included into every source of a tracked target (loopcheck_track_asio adds
// `-include loopcheck/asio_tracking/detached_reporting.hpp`): co_spawn(ex, f(), asio::detached)
// then reports a coroutine that ends by an exception as an unobserved_exception naming the
// co_spawn line, with no source change. It declares, before any code can use asio::detached, a
// more specialised async_result for co_spawn's completion signatures, void(std::exception_ptr)
// and void(std::exception_ptr, T); every other signature (a timer's, a socket's) keeps Asio's
// own detached_t, which has nothing to report.
//
// As loopcheck::detached does, the initiation keeps the call stack's return addresses
// (short_call_stack) and only a failure symbolises them. Never include it yourself.
#include <boost/asio/async_result.hpp>
#include <boost/asio/detached.hpp>
#include <exception>
#include <utility>

#include "loopcheck/asio_tracking/lost_exception.hpp"
#include "loopcheck/runtime/call_stack.hpp"

namespace loopcheck::asio_tracking {

class reporting_detached_handler {
 public:
  explicit reporting_detached_handler(short_call_stack spawn_site) : spawn_site_(spawn_site) {}

  template <typename... Values>
  void operator()(std::exception_ptr error, Values&&...) const {
    if (error) report_lost_detached_exception(spawn_site_, error);
  }

 private:
  short_call_stack spawn_site_;
};

}  // namespace loopcheck::asio_tracking

namespace boost::asio {

template <typename... Values>
struct async_result<detached_t, void(std::exception_ptr, Values...)> {
  template <typename Initiation, typename RawCompletionToken, typename... Args>
  static void initiate(Initiation&& initiation, RawCompletionToken&&, Args&&... args) {
    std::forward<Initiation>(initiation)(
        loopcheck::asio_tracking::reporting_detached_handler(loopcheck::short_call_stack::capture()),
        std::forward<Args>(args)...);
  }
};

}  // namespace boost::asio
