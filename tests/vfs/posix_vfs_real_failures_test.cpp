// posix_vfs against failures of the real kernel, not a seam: a full file system (a size-limited
// tmpfs) and a signal interrupting a blocked system call.
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>

#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "test_support.hpp"
#include "tests/support/skip_test.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t tmpfs_size_bytes = 64 * 1024;
constexpr auto max_wait = 10s;
constexpr auto poll_interval = 1ms;

// Polls `condition` until it holds or `max_wait` passes; returns whether it held.
template <typename Condition>
bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(poll_interval);
  }
  return true;
}

// A tmpfs of `size_bytes` mounted on a fresh temp directory, unmounted on destruction. Mounting
// needs root or CAP_SYS_ADMIN; when refused, mounted() is false and refusal() says why.
class tmpfs_mount {
 public:
  explicit tmpfs_mount(std::size_t size_bytes) {
    const std::string options = "size=" + std::to_string(size_bytes);
    if (::mount("tmpfs", directory_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == -1) {
      refusal_ = std::string("mount -t tmpfs refused: ") + std::strerror(errno) +
                 " (needs root or CAP_SYS_ADMIN)";
    }
  }
  ~tmpfs_mount() {
    if (mounted()) ::umount(directory_.path().c_str());
  }
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;

  bool mounted() const { return refusal_.empty(); }
  const std::string& refusal() const { return refusal_; }
  std::string file(std::string_view name) const { return directory_.file(name); }

 private:
  vfs::testing::temp_directory directory_;
  std::string refusal_;
};

// Awaits `call`, which must fail with ENOSPC after writing part of `total_bytes`; returns the
// count its message reports.
asio::awaitable<std::uint64_t> expect_short_write(asio::awaitable<void> call, std::string_view operation,
                                                  std::size_t total_bytes) {
  try {
    co_await std::move(call);
  } catch (const vfs::error& failure) {
    BOOST_TEST(failure.errno_value() == ENOSPC);
    BOOST_TEST(failure.operation() == operation);
    const std::string message = failure.what();
    std::smatch counts;
    const bool reports_counts =
        std::regex_search(message, counts, std::regex(R"(short write: (\d+) of (\d+) bytes written)"));
    BOOST_TEST_REQUIRE(reports_counts, message);
    BOOST_TEST(std::stoull(counts[2].str()) == total_bytes);
    co_return std::stoull(counts[1].str());
  }
  BOOST_FAIL(operation << " reported success on a full file system");
  co_return 0;
}

asio::awaitable<std::uint64_t> size_of(vfs::file_system& fs, std::string path) {
  const vfs::file_stat info = co_await fs.stat(std::move(path));
  co_return info.size_bytes;
}

// A SIGUSR1 handler installed without SA_RESTART (the previous one restored on destruction), so a
// system call blocked in the thread the signal is sent to returns EINTR instead of restarting.
class interrupting_signal {
 public:
  interrupting_signal() {
    struct sigaction action {};
    action.sa_handler = &count_delivery;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    BOOST_REQUIRE(::sigaction(SIGUSR1, &action, &previous_) == 0);
  }
  ~interrupting_signal() { ::sigaction(SIGUSR1, &previous_, nullptr); }
  interrupting_signal(const interrupting_signal&) = delete;
  interrupting_signal& operator=(const interrupting_signal&) = delete;

  static int delivered_count() { return delivered_count_.load(); }

 private:
  // A lock-free atomic is async-signal-safe.
  static void count_delivery(int) { delivered_count_.fetch_add(1); }

  static inline std::atomic<int> delivered_count_{0};
  struct sigaction previous_ {};
};

// The pool thread, as the before_blocking_call hook saw it.
class pool_thread_record {
 public:
  void record() {
    std::lock_guard lock(mutex_);
    handle_ = ::pthread_self();
    kernel_id_ = ::gettid();
    recorded_ = true;
    changed_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, max_wait, [&] { return recorded_; });
  }
  pthread_t handle() {
    std::lock_guard lock(mutex_);
    return handle_;
  }
  // True while the thread is blocked inside openat(2): /proc names the system call it is in.
  bool blocked_in_openat() {
    pid_t kernel_id = 0;
    {
      std::lock_guard lock(mutex_);
      kernel_id = kernel_id_;
    }
    std::ifstream syscall_file("/proc/self/task/" + std::to_string(kernel_id) + "/syscall");
    long syscall_number = -1;
    syscall_file >> syscall_number;
    return syscall_file && syscall_number == SYS_openat;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool recorded_ = false;
  pthread_t handle_{};
  pid_t kernel_id_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(posix_vfs_real_failures)

// A write that partly fits fails with ENOSPC and a message with the bytes it did write (which the
// file's size confirms); so does an append; a write into a full file system writes nothing.
BOOST_AUTO_TEST_CASE(a_full_file_system_fails_writes_and_reports_the_bytes_written) {
  tmpfs_mount disk(tmpfs_size_bytes);
  if (!disk.mounted()) {
    loopcheck::testing::report_skipped(disk.refusal());
    return;
  }
  vfs::posix_vfs fs;
  const std::string data(2 * tmpfs_size_bytes, 'w');
  const std::string written_at = disk.file("written_at");
  const std::string appended = disk.file("appended");
  vfs::testing::run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.create(written_at, vfs::create_mode::exclusive);
    const std::uint64_t written_bytes = co_await expect_short_write(fs.write_at(written_at, 0, data), "write_at",
                                                                    data.size());
    BOOST_TEST(written_bytes > 0u);
    BOOST_TEST(written_bytes < data.size());
    const std::uint64_t file_bytes = co_await size_of(fs, written_at);
    BOOST_TEST(file_bytes == written_bytes);
    co_await fs.unlink(written_at);  // frees the space for the append case

    co_await fs.create(appended, vfs::create_mode::exclusive);
    const std::string_view fitting_prefix = std::string_view(data).substr(0, 4096);
    co_await fs.append(appended, fitting_prefix);
    const std::uint64_t appended_bytes = co_await expect_short_write(fs.append(appended, data), "append", data.size());
    BOOST_TEST(appended_bytes > 0u);
    const std::uint64_t appended_file_bytes = co_await size_of(fs, appended);
    BOOST_TEST(appended_file_bytes == fitting_prefix.size() + appended_bytes);

    try {
      co_await fs.append(appended, "more");
      BOOST_ERROR("append reported success on a full file system");
    } catch (const vfs::error& failure) {
      BOOST_TEST(failure.errno_value() == ENOSPC);
      BOOST_TEST(std::string(failure.what()).find("short write") == std::string::npos, failure.what());
    }
  });
}

// open(2) of a FIFO blocks until a writer appears; a signal without SA_RESTART makes it return
// EINTR; posix_vfs opens again and the read completes with the writer's bytes.
BOOST_AUTO_TEST_CASE(a_system_call_interrupted_by_a_signal_is_retried) {
  vfs::testing::temp_directory scratch;
  const std::string fifo = scratch.file("fifo");
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  interrupting_signal signal;
  const int delivered_before = interrupting_signal::delivered_count();
  pool_thread_record pool_thread;
  vfs::posix_vfs fs({.thread_count = 1, .before_blocking_call = [&](std::string_view) { pool_thread.record(); }});
  asio::io_context ctx;
  auto content = asio::co_spawn(ctx, fs.read_file(fifo), asio::use_future);
  std::thread loop([&] { ctx.run(); });

  const bool interrupted = pool_thread.wait() && eventually([&] { return pool_thread.blocked_in_openat(); }) &&
                           ::pthread_kill(pool_thread.handle(), SIGUSR1) == 0 &&
                           eventually([&] { return interrupting_signal::delivered_count() == delivered_before + 1; });
  BOOST_TEST(interrupted, "the pool thread was not interrupted inside open(2)");
  // The handler runs only after the interrupted open returned: openat again is the retry.
  if (interrupted) BOOST_TEST(eventually([&] { return pool_thread.blocked_in_openat(); }));

  // A non-blocking writer's open fails (ENXIO) until a reader is inside open.
  int writer = -1;
  const bool reader_waiting =
      eventually([&] { return (writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) != -1; });
  BOOST_TEST(reader_waiting, "no reader opened the FIFO again after the signal");
  if (reader_waiting) {
    BOOST_TEST(::write(writer, "payload", 7) == 7);
  } else {
    // Unblocks a reader still in open, so the test ends: on Linux a FIFO opened O_RDWR never blocks.
    writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  }
  ::close(writer);
  loop.join();
  BOOST_TEST(content.get() == "payload");
}

BOOST_AUTO_TEST_SUITE_END()
