// posix_vfs specifics: the blocking work happens on its pool, never on the caller's loop.
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
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

// A before_blocking_call hook that holds the pool thread until released, so a test can act
// while a call is in flight. Every wait is bounded: a broken fix fails, it does not hang.
class stall_gate {
 public:
  static constexpr auto max_wait = 10s;

  void hold() {
    std::unique_lock lock(mutex_);
    ++entered_count_;
    changed_.notify_all();
    changed_.wait_for(lock, max_wait, [&] { return released_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  // Releases when `done` is signalled or after `delay`, whichever is first.
  void release_after(std::chrono::milliseconds delay, const bool& done) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, delay, [&] { return done; });
    released_ = true;
    changed_.notify_all();
  }
  void mark(bool& flag) {
    std::lock_guard lock(mutex_);
    flag = true;
    changed_.notify_all();
  }
  int entered_count() {
    std::lock_guard lock(mutex_);
    return entered_count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_count_ = 0;
  bool released_ = false;
};

// Sets its flag when destroyed: proves a coroutine frame was destroyed, not leaked.
struct destruction_sentinel {
  bool& destroyed;
  ~destruction_sentinel() { destroyed = true; }
};

struct caller_state {
  bool awaiting = false;
  bool resumed = false;
  bool frame_destroyed = false;
};

asio::awaitable<void> stat_and_note_resumption(vfs::posix_vfs& fs, std::string path, caller_state& state) {
  destruction_sentinel sentinel{state.frame_destroyed};
  state.awaiting = true;
  co_await fs.stat(path);
  state.resumed = true;
}

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

// The order cli/dict_command.cpp uses: the posix_vfs outlives the io_context, and the context
// is destroyed while a call is inside its system call. The completion must not be delivered into
// the dead context; the awaiting frame is destroyed, not resumed and not leaked.
BOOST_AUTO_TEST_CASE(destroying_the_context_during_a_call_destroys_the_caller_without_resuming_it) {
  vfs::testing::temp_directory scratch;
  stall_gate gate;
  vfs::posix_vfs fs({.thread_count = 1, .before_blocking_call = [&](std::string_view) { gate.hold(); }});
  // The second caller's call waits in the pool's queue behind the first.
  caller_state callers[2];
  auto ctx = std::make_unique<asio::io_context>();
  for (caller_state& caller : callers) {
    asio::co_spawn(*ctx, stat_and_note_resumption(fs, scratch.path(), caller), asio::detached);
  }
  const auto all_in_flight = [&] { return gate.entered_count() == 1 && callers[0].awaiting && callers[1].awaiting; };
  constexpr int max_run_slices = 5000;
  for (int slice = 0; slice < max_run_slices && !all_in_flight(); ++slice) ctx->run_for(1ms);
  BOOST_REQUIRE(all_in_flight());
  ctx->stop();

  // Released once the context is gone or, if its destruction waits for the call, after 200 ms.
  bool context_destroyed = false;
  std::thread releaser([&] { gate.release_after(200ms, context_destroyed); });
  ctx.reset();
  gate.mark(context_destroyed);
  releaser.join();

  for (const caller_state& caller : callers) {
    BOOST_TEST(!caller.resumed);
    BOOST_TEST(caller.frame_destroyed);
  }
  // The queued call's caller was gone before it started: its system calls never ran.
  BOOST_TEST(gate.entered_count() == 1);
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
