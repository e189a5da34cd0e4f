#include "loopcheck/vfs/posix_vfs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "loopcheck/runtime/foreign_io.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/vfs/blocking_call.hpp"
#include "loopcheck/vfs/error.hpp"

namespace loopcheck::vfs {

namespace {

// A signal storm must not spin a pool thread forever.
constexpr int max_eintr_retries = 1000;
// read_file refuses files above this size rather than grow a buffer without bound.
constexpr std::uint64_t max_read_size_bytes = std::uint64_t{1} << 32;
// How much read_file grows its buffer by when a file outgrows the size fstat gave.
constexpr std::size_t read_growth_bytes = 64 * 1024;
// A directory with more entries than this is an error, not an unbounded listing.
constexpr std::size_t max_dir_entries = 1'000'000;

// Runs `call` (a system call returning -1 and setting errno on failure) again on EINTR.
template <typename Call>
auto retry_eintr(Call call) {
  for (int attempt = 0;; ++attempt) {
    auto result = call();
    if (result != -1 || errno != EINTR || attempt == max_eintr_retries) return result;
  }
}

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) { LOOPCHECK_INVARIANT(fd >= 0); }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  // The fallback for error paths, which already throw the first error, and for reads: a read's
  // close error cannot mean lost data (nothing was written through it) and the bytes read are
  // complete, so it is ignored. Operations that write close explicitly (close_or_throw).
  ~unique_fd() {
    if (fd_ != -1) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

unique_fd open_or_throw(const std::string& path, int flags, std::string_view operation, mode_t mode = 0644) {
  int fd = retry_eintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, mode); });
  if (fd == -1) throw error(errno, operation, path);
  return unique_fd(fd);
}

// pwrite (offset given) or write (O_APPEND) until every byte is written; a short count is
// continued, an error thrown with how far it got.
void write_fully(int fd, const std::string& path, std::string_view operation, std::string_view data,
                 const std::uint64_t* offset_bytes) {
  std::size_t written_bytes = 0;
  // Each iteration writes at least one byte or throws: at most data.size() iterations.
  for (std::size_t iteration = 0; written_bytes < data.size(); ++iteration) {
    LOOPCHECK_INVARIANT(iteration < data.size());
    const char* chunk = data.data() + written_bytes;
    const std::size_t chunk_bytes = data.size() - written_bytes;
    ssize_t result = retry_eintr([&]() -> ssize_t {
      return offset_bytes ? ::pwrite(fd, chunk, chunk_bytes, static_cast<off_t>(*offset_bytes + written_bytes))
                          : ::write(fd, chunk, chunk_bytes);
    });
    if (result == -1 || result == 0) {
      // write(2) returning 0 for a non-empty buffer means no space to make progress.
      const int errno_value = result == 0 ? ENOSPC : errno;
      throw error(errno_value, operation, path, {},
                  written_bytes == 0 ? std::string{} : "short write: " + std::to_string(written_bytes) + " of " +
                                                           std::to_string(data.size()) + " bytes written");
    }
    written_bytes += static_cast<std::size_t>(result);
  }
}

// For descriptors that were written through or synced: NFS and some FUSE file systems report a
// failed write-back only at close. Not retried on EINTR: Linux releases the descriptor even
// then, and a second close could close a descriptor another thread has just opened.
void close_or_throw(unique_fd& fd, const std::function<int(int)>& close_substitute, const std::string& path,
                    std::string_view operation) {
  const int raw_fd = fd.release();
  if ((close_substitute ? close_substitute(raw_fd) : ::close(raw_fd)) == -1) {
    throw error(errno, operation, path, {}, "close");
  }
}

void fsync_or_throw(const unique_fd& fd, const std::string& path, std::string_view operation) {
  if (retry_eintr([&] { return ::fsync(fd.get()); }) == -1) throw error(errno, operation, path);
}

}  // namespace

posix_vfs::posix_vfs() : posix_vfs(options{}) {}

posix_vfs::posix_vfs(options opts) : options_(std::move(opts)), pool_(options_.thread_count) {
  LOOPCHECK_INVARIANT(options_.thread_count > 0);
}

posix_vfs::~posix_vfs() { pool_.join(); }

// Each call below names its lambda before awaiting: g++ 12 destroys a lambda temporary with
// init-captures twice when it appears inside a co_await expression.
template <typename Blocking>
auto posix_vfs::off_loop(std::string_view operation, Blocking blocking) -> asio::awaitable<decltype(blocking())> {
  // Refused on a simulated context before any thread sees it: the pool would complete the call
  // from its own thread, in real time, into a context that runs on one thread.
  const asio::any_io_executor caller = co_await asio::this_coro::executor;
  refuse_virtual_time(caller, fmt::format("posix_vfs::{}", operation),
                      "use loopcheck::vfs::sim_vfs on the simulator (docs/vfs.md)");
  auto with_hook = [hook = &options_.before_blocking_call, operation = std::string(operation),
                    blocking = std::move(blocking)]() mutable {
    if (*hook) (*hook)(operation);
    return blocking();
  };
  auto call = async_run_blocking(pool_.get_executor(), std::move(with_hook), asio::use_awaitable);
  co_return co_await std::move(call);
}

asio::awaitable<std::string> posix_vfs::read_file(std::string path) {
  races_.on_access("read_file", path, false);
  auto blocking = [path = std::move(path)] {
    unique_fd fd = open_or_throw(path, O_RDONLY, "read_file");
    struct stat info {};
    if (::fstat(fd.get(), &info) == -1) throw error(errno, "read_file", path);
    const auto size_bytes = static_cast<std::uint64_t>(info.st_size);
    if (size_bytes > max_read_size_bytes) throw error(EFBIG, "read_file", path, {}, "larger than max_read_size_bytes");
    // Read straight into the result, sized by fstat: one allocation and no copy. One byte
    // more, so the read that finds the end needs no growth; a file that grows meanwhile is
    // still read to its end.
    std::string content(size_bytes + 1, '\0');
    std::size_t filled_bytes = 0;
    // Each iteration reads at least one byte or ends; the size cap bounds the loop.
    for (;;) {
      if (filled_bytes == content.size()) {
        content.resize(std::min<std::uint64_t>(filled_bytes + read_growth_bytes, max_read_size_bytes + 1));
      }
      ssize_t result =
          retry_eintr([&] { return ::read(fd.get(), content.data() + filled_bytes, content.size() - filled_bytes); });
      if (result == -1) throw error(errno, "read_file", path);
      if (result == 0) {
        content.resize(filled_bytes);
        return content;
      }
      filled_bytes += static_cast<std::size_t>(result);
      if (filled_bytes > max_read_size_bytes) {
        throw error(EFBIG, "read_file", path, {}, "larger than max_read_size_bytes");
      }
    }
  };
  co_return co_await off_loop("read_file", std::move(blocking));
}

asio::awaitable<void> posix_vfs::write_at(std::string path, std::uint64_t offset_bytes, std::string_view data) {
  races_.on_access("write_at", path, true, byte_range::at(offset_bytes, data.size()));
  auto blocking = [this, path = std::move(path), offset_bytes, data] {
    unique_fd fd = open_or_throw(path, O_WRONLY, "write_at");
    write_fully(fd.get(), path, "write_at", data, &offset_bytes);
    close_or_throw(fd, options_.close_after_write, path, "write_at");
  };
  co_await off_loop("write_at", std::move(blocking));
}

asio::awaitable<void> posix_vfs::append(std::string path, std::string_view data) {
  // An append's place depends on the file's size: it conflicts with the whole file.
  races_.on_access("append", path, true);
  auto blocking = [this, path = std::move(path), data] {
    unique_fd fd = open_or_throw(path, O_WRONLY | O_APPEND, "append");
    write_fully(fd.get(), path, "append", data, nullptr);
    close_or_throw(fd, options_.close_after_write, path, "append");
  };
  co_await off_loop("append", std::move(blocking));
}

asio::awaitable<void> posix_vfs::truncate(std::string path, std::uint64_t size_bytes) {
  races_.on_access("truncate", path, true);
  auto blocking = [this, path = std::move(path), size_bytes] {
    unique_fd fd = open_or_throw(path, O_WRONLY, "truncate");
    if (retry_eintr([&] { return ::ftruncate(fd.get(), static_cast<off_t>(size_bytes)); }) == -1) {
      throw error(errno, "truncate", path);
    }
    close_or_throw(fd, options_.close_after_write, path, "truncate");
  };
  co_await off_loop("truncate", std::move(blocking));
}

asio::awaitable<void> posix_vfs::fsync_file(std::string path) {
  races_.on_access("fsync_file", path, false);
  auto blocking = [this, path = std::move(path)] {
    unique_fd fd = open_or_throw(path, O_RDONLY, "fsync_file");
    fsync_or_throw(fd, path, "fsync_file");
    close_or_throw(fd, options_.close_after_write, path, "fsync_file");
  };
  co_await off_loop("fsync_file", std::move(blocking));
}

asio::awaitable<void> posix_vfs::create(std::string path, create_mode mode) {
  races_.on_access("create", path, mode != create_mode::open_existing);
  auto blocking = [this, path = std::move(path), mode] {
    int flags = O_WRONLY | O_CREAT;
    if (mode == create_mode::exclusive) flags |= O_EXCL;
    if (mode == create_mode::truncate_existing) flags |= O_TRUNC;
    unique_fd fd = open_or_throw(path, flags, "create");
    close_or_throw(fd, options_.close_after_write, path, "create");
  };
  co_await off_loop("create", std::move(blocking));
}

asio::awaitable<void> posix_vfs::create_directory(std::string path) {
  auto blocking = [path = std::move(path)] {
    if (::mkdir(path.c_str(), 0755) == -1) throw error(errno, "create_directory", path);
  };
  co_await off_loop("create_directory", std::move(blocking));
}

asio::awaitable<void> posix_vfs::rename(std::string from, std::string to) {
  races_.on_access("rename", from, true);
  races_.on_access("rename", to, true);
  auto blocking = [from = std::move(from), to = std::move(to)] {
    if (::rename(from.c_str(), to.c_str()) == -1) throw error(errno, "rename", from, to);
  };
  co_await off_loop("rename", std::move(blocking));
}

asio::awaitable<void> posix_vfs::unlink(std::string path) {
  races_.on_access("unlink", path, true);
  auto blocking = [path = std::move(path)] {
    if (::unlink(path.c_str()) == -1) throw error(errno, "unlink", path);
  };
  co_await off_loop("unlink", std::move(blocking));
}

asio::awaitable<void> posix_vfs::fsync_dir(std::string path) {
  auto blocking = [this, path = std::move(path)] {
    unique_fd fd = open_or_throw(path, O_RDONLY | O_DIRECTORY, "fsync_dir");
    fsync_or_throw(fd, path, "fsync_dir");
    close_or_throw(fd, options_.close_after_write, path, "fsync_dir");
  };
  co_await off_loop("fsync_dir", std::move(blocking));
}

asio::awaitable<std::vector<std::string>> posix_vfs::list_dir(std::string path) {
  auto blocking = [path = std::move(path)] {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), &::closedir);
    if (!dir) throw error(errno, "list_dir", path);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(dir.get());
      if (entry == nullptr) {
        if (errno != 0) throw error(errno, "list_dir", path);
        break;
      }
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (names.size() == max_dir_entries) throw error(EOVERFLOW, "list_dir", path, {}, "more than max_dir_entries");
      names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  co_return co_await off_loop("list_dir", std::move(blocking));
}

asio::awaitable<file_stat> posix_vfs::stat(std::string path) {
  auto blocking = [path = std::move(path)] {
    struct ::stat info {};
    if (::stat(path.c_str(), &info) == -1) {
      if (errno == ENOENT || errno == ENOTDIR) return file_stat{};
      throw error(errno, "stat", path);
    }
    const bool is_directory = S_ISDIR(info.st_mode);
    return file_stat{.exists = true,
                     .is_directory = is_directory,
                     .size_bytes = is_directory ? 0 : static_cast<std::uint64_t>(info.st_size)};
  };
  co_return co_await off_loop("stat", std::move(blocking));
}

namespace {

// Owns the descriptor that carries the OFD lock; closing it releases the lock.
class posix_lock final : public file_lock {
 public:
  explicit posix_lock(int fd) : fd_(fd) { LOOPCHECK_INVARIANT(fd >= 0); }
  ~posix_lock() override { ::close(fd_); }
  posix_lock(const posix_lock&) = delete;
  posix_lock& operator=(const posix_lock&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Who holds the lock, from what the holder wrote into the file ("pid 1234"), for the error.
std::string describe_holder(int fd) {
  char buffer[64] = {};
  const ssize_t read_bytes = retry_eintr([&] { return ::pread(fd, buffer, sizeof buffer - 1, 0); });
  std::string_view text(buffer, read_bytes > 0 ? static_cast<std::size_t>(read_bytes) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.remove_suffix(1);
  if (text.substr(0, 4) != "pid " || text.size() > 24) return "held by another open file (holder unknown)";
  return "held by " + std::string(text);
}

}  // namespace

asio::awaitable<std::unique_ptr<file_lock>> posix_vfs::lock_exclusive(std::string path) {
  auto blocking = [path = std::move(path)]() -> std::unique_ptr<file_lock> {
    const int fd = retry_eintr([&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644); });
    if (fd == -1) throw error(errno, "lock_exclusive", path);
    auto lock = std::make_unique<posix_lock>(fd);
    struct ::flock whole_file {};
    whole_file.l_type = F_WRLCK;
    whole_file.l_whence = SEEK_SET;
    if (retry_eintr([&] { return ::fcntl(fd, F_OFD_SETLK, &whole_file); }) == -1) {
      const int errno_value = errno;
      if (errno_value == EAGAIN || errno_value == EACCES) {
        throw error(EWOULDBLOCK, "lock_exclusive", path, {}, describe_holder(fd));
      }
      throw error(errno_value, "lock_exclusive", path);
    }
    // Informational only (never fsynced): a stale pid after a crash names nobody who holds it.
    // Written before the truncation, so a refused opener never reads an empty file meanwhile.
    const std::string holder = "pid " + std::to_string(::getpid()) + "\n";
    const ssize_t written = ::pwrite(fd, holder.data(), holder.size(), 0);
    if (written != static_cast<ssize_t>(holder.size()) || ::ftruncate(fd, static_cast<off_t>(holder.size())) == -1) {
      throw error(written == -1 ? errno : EIO, "lock_exclusive", path, {}, "writing the holder's pid");
    }
    return lock;
  };
  co_return co_await off_loop("lock_exclusive", std::move(blocking));
}

}  // namespace loopcheck::vfs
