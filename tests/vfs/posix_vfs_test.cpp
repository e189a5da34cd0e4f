// posix_vfs specifics: the blocking work happens on its pool, never on the caller's loop.
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> expect_close_error(asio::awaitable<void> call, std::string_view operation,
                                         const std::string& path) {
  try {
    co_await std::move(call);
    BOOST_ERROR(operation << " reported success although close failed");
  } catch (const vfs::error& failure) {
    BOOST_TEST(failure.errno_value() == EIO);
    BOOST_TEST(failure.operation() == operation);
    BOOST_TEST(failure.path() == path);
    BOOST_TEST(std::string(failure.what()).find("(close)") != std::string::npos, failure.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(posix_vfs)

// Every operation that writes closes its descriptor itself and reports a failed close (NFS
// reports write-back errors there); reads keep ignoring close errors.
BOOST_AUTO_TEST_CASE(a_failed_close_fails_every_operation_that_writes) {
  vfs::testing::temp_directory scratch;
  const std::string file = scratch.file("f");
  std::ofstream(file) << "content";
  std::atomic<int> failed_close_count{0};
  vfs::posix_vfs fs({.close_after_write = [&](int fd) {
    ::close(fd);
    ++failed_close_count;
    errno = EIO;
    return -1;
  }});
  vfs::testing::run_coroutine([&]() -> asio::awaitable<void> {
    co_await expect_close_error(fs.write_at(file, 0, "x"), "write_at", file);
    co_await expect_close_error(fs.append(file, "y"), "append", file);
    co_await expect_close_error(fs.truncate(file, 2), "truncate", file);
    co_await expect_close_error(fs.fsync_file(file), "fsync_file", file);
    co_await expect_close_error(fs.create(scratch.file("new"), vfs::create_mode::exclusive), "create",
                                scratch.file("new"));
    co_await expect_close_error(fs.fsync_dir(scratch.path()), "fsync_dir", scratch.path());
    // The data reached the file before the close failed; reads do not consult the close hook.
    const std::string content = co_await fs.read_file(file);
    BOOST_TEST(content == "xo");
    const vfs::file_stat info = co_await fs.stat(file);
    BOOST_TEST(info.size_bytes == 2u);
  });
  BOOST_TEST(failed_close_count == 6);  // one close per writing operation, none by reads
}

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

BOOST_AUTO_TEST_SUITE_END()
