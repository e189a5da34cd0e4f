#pragma once
// The real file system. Each call's blocking system calls run on a small thread pool owned by
// the posix_vfs, and the caller's coroutine resumes on its own executor: a slow disk stalls
// that one coroutine, never the loop. Short writes are continued until complete or an error;
// EINTR is retried (a bounded number of times).
#include <cstddef>
#include <functional>
#include <string_view>

#include "loopcheck/vfs/file_race_detector.hpp"
#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::vfs {

class posix_vfs final : public file_system {
 public:
  struct options {
    std::size_t thread_count = 2;
    // Test hook: runs on the pool thread just before an operation's system calls, with the
    // operation's name. Lets a test see which thread does the blocking work, or stall it.
    std::function<void(std::string_view operation)> before_blocking_call{};
    // Test hook: replaces close(2) for the descriptors of operations that write (write_at,
    // append, truncate, create, fsync_file, fsync_dir), whose close errors are reported; close
    // errors are hard to provoke on a local file system. It must close `fd` (or it leaks) and
    // return close's result, -1 with errno set for a failure.
    std::function<int(int fd)> close_after_write{};
    file_race_detector::options file_races{};
  };

  posix_vfs();
  explicit posix_vfs(options opts);
  // Waits for operations still running on the pool.
  ~posix_vfs() override;
  posix_vfs(const posix_vfs&) = delete;
  posix_vfs& operator=(const posix_vfs&) = delete;

  const file_race_detector& file_races() const { return races_; }

  asio::awaitable<std::string> read_file(std::string path) override;
  asio::awaitable<void> write_at(std::string path, std::uint64_t offset_bytes, std::string_view data) override;
  asio::awaitable<void> append(std::string path, std::string_view data) override;
  asio::awaitable<void> truncate(std::string path, std::uint64_t size_bytes) override;
  asio::awaitable<void> fsync_file(std::string path) override;
  asio::awaitable<void> create(std::string path, create_mode mode) override;
  asio::awaitable<void> create_directory(std::string path) override;
  asio::awaitable<void> rename(std::string from, std::string to) override;
  asio::awaitable<void> unlink(std::string path) override;
  asio::awaitable<void> fsync_dir(std::string path) override;
  asio::awaitable<std::vector<std::string>> list_dir(std::string path) override;
  asio::awaitable<file_stat> stat(std::string path) override;
  // An OFD lock (fcntl F_OFD_SETLK) on the whole file: it conflicts with any other open file
  // description, in this process or another, and the kernel releases it when the holder dies.
  // The holder writes "pid <n>" into the file so a refused opener can name it.
  asio::awaitable<std::unique_ptr<file_lock>> lock_exclusive(std::string path) override;

 private:
  // Runs `blocking` on the pool; the result or exception is delivered on the caller's executor,
  // never into a destroyed one (in_flight_calls.hpp).
  template <typename Blocking>
  auto off_loop(std::string_view operation, Blocking blocking) -> asio::awaitable<decltype(blocking())>;

  options options_;
  file_race_detector races_{options_.file_races};
  asio::thread_pool pool_;
};

}  // namespace loopcheck::vfs
