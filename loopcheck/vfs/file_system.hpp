#pragma once
// The asynchronous file-system interface library code is written against: posix_vfs in
// production, sim_vfs under test. Every call is a coroutine run on the caller's executor (an
// io_context, a strand, or the simulator's any_io_executor); it never blocks that executor.
//
// Paths are absolute ("/data/dict.json"); every failure is a vfs::error carrying errno and the
// path(s). There are no open file handles: each call names its file, which keeps the crash
// model simple. The price: fsync_file opens a fresh descriptor, and Linux reports an earlier
// writeback error only to descriptors open when it happened, so a store must treat any write
// or fsync error as fatal rather than retry and trust a later fsync.
//
// Byte data is passed as std::string_view (it must stay valid until the call completes; a
// co_await on the call guarantees that) and returned as std::string.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::vfs {

struct file_stat {
  bool exists = false;
  bool is_directory = false;
  std::uint64_t size_bytes = 0;  // 0 for directories and missing paths

  friend bool operator==(const file_stat&, const file_stat&) = default;
};

enum class create_mode : std::uint8_t {
  exclusive,          // fails with EEXIST when the path exists (O_CREAT | O_EXCL)
  open_existing,      // keeps an existing file's content (O_CREAT)
  truncate_existing,  // empties an existing file (O_CREAT | O_TRUNC)
};

// An exclusive lock taken by file_system::lock_exclusive, held until this object is destroyed.
// The file_system must outlive it.
class file_lock {
 public:
  virtual ~file_lock() = default;
};

class file_system {
 public:
  virtual ~file_system() = default;

  // The whole content of a regular file. EISDIR for a directory, ENOENT when missing.
  virtual asio::awaitable<std::string> read_file(std::string path) = 0;
  // Writes every byte of `data` at `offset_bytes` (a hole below it reads as zeros) or throws:
  // a short write is never reported as success.
  virtual asio::awaitable<void> write_at(std::string path, std::uint64_t offset_bytes, std::string_view data) = 0;
  // Writes every byte of `data` at the end of the file or throws.
  virtual asio::awaitable<void> append(std::string path, std::string_view data) = 0;
  virtual asio::awaitable<void> truncate(std::string path, std::uint64_t size_bytes) = 0;
  // Makes the file's data durable. Does not make its directory entry durable (see fsync_dir).
  virtual asio::awaitable<void> fsync_file(std::string path) = 0;
  // Creates a regular file (or opens it, per `mode`); the parent directory must exist.
  virtual asio::awaitable<void> create(std::string path, create_mode mode) = 0;
  // Creates one directory; EEXIST when the path exists.
  virtual asio::awaitable<void> create_directory(std::string path) = 0;
  // Atomically replaces `to` (if any) with `from`, as rename(2).
  virtual asio::awaitable<void> rename(std::string from, std::string to) = 0;
  // Removes a file's directory entry; EISDIR for a directory.
  virtual asio::awaitable<void> unlink(std::string path) = 0;
  // Makes the directory's entries (creates, renames, unlinks inside it) durable.
  virtual asio::awaitable<void> fsync_dir(std::string path) = 0;
  // Entry names (not paths), sorted, without "." and "..".
  virtual asio::awaitable<std::vector<std::string>> list_dir(std::string path) = 0;
  // A missing path (ENOENT, ENOTDIR) is reported as exists == false, not thrown.
  virtual asio::awaitable<file_stat> stat(std::string path) = 0;
  // Takes an exclusive lock on the file at `path` (created empty when missing; the parent
  // directory must exist) without waiting, held until the returned object is destroyed.
  // Another holder — in this process or another — makes it throw vfs::error(EWOULDBLOCK)
  // whose message names the holder where known. Advisory: it stops only lock_exclusive callers.
  virtual asio::awaitable<std::unique_ptr<file_lock>> lock_exclusive(std::string path) = 0;
};

}  // namespace loopcheck::vfs
