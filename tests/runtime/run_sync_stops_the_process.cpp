// run_sync's last resort: a task that ignores its cancellation past the grace would go on using
// the caller's frame if run_sync returned, so the process stops, saying why. ctest expects the
// message (tests/runtime/CMakeLists.txt).
#include <boost/system/system_error.hpp>
#include <chrono>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/loop_thread.hpp"
#include "loopcheck/runtime/run_sync.hpp"

namespace {

// Swallows every cancellation and waits again, using the caller's counter each time.
boost::asio::awaitable<void> ignore_cancellation(int& caller_wakeups) {
  for (int i = 0; i < 1000; ++i) {
    try {
      co_await loopcheck::sleep_for(std::chrono::hours(1));
    } catch (const boost::system::system_error&) {
      ++caller_wakeups;
    }
    co_await boost::asio::this_coro::reset_cancellation_state();
  }
}

}  // namespace

int main() {
  loopcheck::loop_thread loop;
  int wakeups = 0;
  loopcheck::run_sync(loop.executor(), ignore_cancellation(wakeups), std::chrono::milliseconds(10));
  return 0;  // not reached: run_sync stops the process or, before the fix, throws
}
