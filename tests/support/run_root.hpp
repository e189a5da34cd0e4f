#pragma once
// Test helper: runs `body()` as the root coroutine of `ctx` until the context runs out of work.
// `body` is kept alive meanwhile: a coroutine lambda's frame refers to its closure, so
// `co_spawn(ctx, [&]() -> awaitable<void> {...}(), ...)` would read a destroyed closure.
#include <boost/asio.hpp>
#include <exception>

namespace loopcheck::testing {

template <typename Body>
std::exception_ptr run_root(boost::asio::io_context& ctx, Body body) {
  std::exception_ptr result;
  boost::asio::co_spawn(ctx, body(), [&](std::exception_ptr e) { result = e; });
  ctx.run();
  return result;
}

}  // namespace loopcheck::testing
