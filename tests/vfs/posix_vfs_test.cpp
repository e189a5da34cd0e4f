// posix_vfs specifics: the blocking work happens on its pool, never on the caller's loop.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopcheck/vfs/posix_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(posix_vfs)

BOOST_AUTO_TEST_CASE(system_calls_run_on_the_pool_and_resume_on_the_loop) {
  vfs::testing::temp_directory scratch;
  std::mutex mutex;
  std::vector<std::thread::id> syscall_threads;
  vfs::posix_vfs fs({.thread_count = 2, .before_blocking_call = [&](std::string_view) {
                       std::lock_guard lock(mutex);
                       syscall_threads.push_back(std::this_thread::get_id());
                     }});
  const auto loop_thread = std::this_thread::get_id();  // run_coroutine runs the loop here
  std::vector<std::thread::id> resumed_on;
  vfs::testing::run_coroutine([&]() -> asio::awaitable<void> {
    const std::string file = scratch.path() + "/f";
    co_await fs.create(file, vfs::create_mode::exclusive);
    resumed_on.push_back(std::this_thread::get_id());
    co_await fs.append(file, "x");
    resumed_on.push_back(std::this_thread::get_id());
    const std::string content = co_await fs.read_file(file);
    BOOST_TEST(content == "x");
    resumed_on.push_back(std::this_thread::get_id());
  });
  BOOST_REQUIRE(syscall_threads.size() == 3u);
  for (auto id : syscall_threads) BOOST_TEST((id != loop_thread));
  for (auto id : resumed_on) BOOST_TEST((id == loop_thread));
}

BOOST_AUTO_TEST_CASE(a_stalled_system_call_does_not_block_the_loop) {
  vfs::testing::temp_directory scratch;
  constexpr auto stall = 200ms;
  vfs::posix_vfs fs({.thread_count = 1, .before_blocking_call = [&](std::string_view operation) {
                       if (operation == "stat") std::this_thread::sleep_for(stall);
                     }});
  asio::io_context ctx;
  std::vector<std::string> order;
  asio::co_spawn(ctx, [&]() -> asio::awaitable<void> {
    co_await fs.stat(scratch.path());
    order.push_back("stat done");
  }, asio::detached);
  asio::co_spawn(ctx, [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(ctx, 10ms);
    co_await timer.async_wait(asio::use_awaitable);
    order.push_back("timer fired");
  }, asio::detached);
  ctx.run();
  BOOST_TEST((order == std::vector<std::string>{"timer fired", "stat done"}));
}

// read_file sizes its buffer by fstat; the size must be a hint only. /proc files report 0 bytes
// and still have content; a file larger than one growth step must come back whole.
BOOST_AUTO_TEST_CASE(read_file_reads_to_the_end_whatever_size_fstat_reports) {
  vfs::testing::temp_directory scratch;
  vfs::posix_vfs fs;
  std::string large(300'000, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + i % 26);
  vfs::testing::run_coroutine([&]() -> asio::awaitable<void> {
    const std::string file = scratch.path() + "/large";
    co_await fs.create(file, vfs::create_mode::exclusive);
    co_await fs.append(file, large);
    const std::string content = co_await fs.read_file(file);
    BOOST_TEST((content == large));
    const std::string status = co_await fs.read_file("/proc/self/status");
    BOOST_TEST(status.rfind("Name:", 0) == 0u);
    BOOST_TEST(status.find("\nPid:") != std::string::npos);
    BOOST_TEST(status.back() == '\n');
  });
}

BOOST_AUTO_TEST_SUITE_END()
