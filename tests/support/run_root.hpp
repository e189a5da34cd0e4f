#pragma once
// Test helper: runs `body()` as the root coroutine of `ctx` until the context runs out of work.
// `body` is kept alive meanwhile: a coroutine lambda's frame refers to its closure, so
// `co_spawn(ctx, [&]() -> awaitable<void> {...}(), ...)` would read a destroyed closure.
#include <boost/asio.hpp>
#include <chrono>
#include <exception>
#include <memory>

namespace loopcheck::testing {

template <typename Body>
std::exception_ptr run_root(boost::asio::io_context& ctx, Body body) {
  std::exception_ptr result;
  boost::asio::co_spawn(ctx, body(), [&](std::exception_ptr e) { result = e; });
  ctx.run();
  return result;
}

// How a root run with a time limit ended: a body that never completes is a test failure, not a
// hang of the whole suite.
struct bounded_run {
  bool completed = false;
  std::exception_ptr error;
};

// As run_root, but runs `ctx` for at most `limit`.
template <typename Body>
bounded_run run_root_for(boost::asio::io_context& ctx, std::chrono::steady_clock::duration limit, Body body) {
  auto outcome = std::make_shared<bounded_run>();
  boost::asio::co_spawn(ctx, body(), [outcome](std::exception_ptr e) {
    outcome->completed = true;
    outcome->error = e;
  });
  ctx.run_for(limit);
  return *outcome;
}

}  // namespace loopcheck::testing
