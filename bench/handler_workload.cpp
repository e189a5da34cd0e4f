// handler_workload: a handler-heavy Asio program — post chains, zero-delay timer waits in
// coroutines, coroutines co_spawned from handlers and from outside run() — timed part by part.
// Compiled twice (bench/CMakeLists.txt): untracked, and with loopcheck_track_asio; the
// handler_tracking driver runs both and compares. Prints one line per part:
// `<part> <operations> <ns per operation>`.
//
//   handler_workload_{tracked,untracked} [scale=1]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace asio = boost::asio;

namespace {

constexpr int max_scale = 1000;
constexpr int chains = 64;
constexpr int posts_per_chain = 4000;
constexpr int timer_coroutines = 64;
constexpr int waits_per_coroutine = 500;
constexpr int spawns_per_handler = 64;
constexpr int spawning_handlers = 1000;
constexpr int root_spawns = 20000;

void post_chain(asio::io_context& context, int remaining) {
  if (remaining > 0) asio::post(context, [&context, remaining] { post_chain(context, remaining - 1); });
}

asio::awaitable<void> wait_repeatedly(int waits) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < waits; ++i) {
    timer.expires_after(std::chrono::nanoseconds(0));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> trivial(long& counter) {
  ++counter;
  co_return;
}

template <typename Start>
void time_part(const char* part, long operations, Start start) {
  asio::io_context context(1);
  const auto begin = std::chrono::steady_clock::now();
  start(context);
  context.run();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  std::printf("%s %ld %.2f\n", part, operations,
              std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(operations));
}

}  // namespace

int main(int argc, char** argv) {
  const int scale = argc > 1 ? std::atoi(argv[1]) : 1;
  if (scale < 1 || scale > max_scale) {
    std::fprintf(stderr, "handler_workload: scale must be 1..%d\n", max_scale);
    return 2;
  }
  time_part("posts", static_cast<long>(chains) * posts_per_chain * scale, [scale](asio::io_context& context) {
    for (int c = 0; c < chains; ++c) post_chain(context, posts_per_chain * scale);
  });
  time_part("timer_waits", static_cast<long>(timer_coroutines) * waits_per_coroutine * scale,
            [scale](asio::io_context& context) {
              for (int c = 0; c < timer_coroutines; ++c) {
                asio::co_spawn(context, wait_repeatedly(waits_per_coroutine * scale), asio::detached);
              }
            });
  long counter = 0;
  const long handler_spawns = static_cast<long>(spawning_handlers) * spawns_per_handler * scale;
  time_part("spawns_in_handlers", handler_spawns, [&counter, scale](asio::io_context& context) {
    for (int h = 0; h < spawning_handlers * scale; ++h) {
      asio::post(context, [&context, &counter] {
        for (int s = 0; s < spawns_per_handler; ++s) asio::co_spawn(context, trivial(counter), asio::detached);
      });
    }
  });
  const long outside_spawns = static_cast<long>(root_spawns) * scale;
  time_part("spawns_outside_run", outside_spawns, [&counter, outside_spawns](asio::io_context& context) {
    for (long s = 0; s < outside_spawns; ++s) asio::co_spawn(context, trivial(counter), asio::detached);
  });
  if (counter != handler_spawns + outside_spawns) {
    std::fprintf(stderr, "handler_workload: %ld of %ld coroutines ran\n", counter, handler_spawns + outside_spawns);
    return 3;
  }
  return 0;
}
