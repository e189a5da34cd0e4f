#pragma once
// The files of one dict store `<dir>/<name>` and the operations on them that are not about
// their content: the durable replace protocol, stale temp removal and setting a corrupt file
// aside.
//
//   <name>                 the snapshot
//   <name>.journal         the journal (journal mode)
//   <name>.lock            the writer's lock (file_system::lock_exclusive), held while open
//   <name>.tmp-<n>         a snapshot or journal being written; stale after a crash
//   <name>.corrupt-<n>     a snapshot found corrupt, kept for inspection
//   <name>.journal.corrupt-<n>  likewise a journal
#include <cstdint>
#include <string>
#include <string_view>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::pdict {

class store_files {
 public:
  // `snapshot_path` is absolute, e.g. "/data/dict.json". Throws std::invalid_argument otherwise.
  explicit store_files(std::string snapshot_path);

  const std::string& snapshot_path() const { return snapshot_path_; }
  const std::string& journal_path() const { return journal_path_; }
  const std::string& lock_path() const { return lock_path_; }
  const std::string& directory() const { return directory_; }

  // Replaces `target` (the snapshot or the journal path) by `bytes` durably: write a fresh
  // temp file in the same directory, check its size, fsync it, rename it over the target,
  // fsync the directory. Any error is final for this attempt (an fsync error is never retried:
  // the temp file is abandoned and removed best-effort) and the old target stays intact.
  asio::awaitable<void> durable_replace(vfs::file_system& fs, const std::string& target, std::string_view bytes);

  // Takes the store's writer lock; throws store_locked_error when another writer holds it.
  asio::awaitable<std::unique_ptr<vfs::file_lock>> lock_for_writing(vfs::file_system& fs);

  // Removes this store's temp files left by a crash. Call with the writer lock held (a temp
  // file of a live writer is not stale) and before the first durable_replace.
  asio::awaitable<void> remove_stale_temps(vfs::file_system& fs);

  // Renames `path` (the snapshot or the journal) to the first free `<path>.corrupt-<n>` and
  // syncs the directory; returns the new path, or throws the vfs::error that made it
  // impossible — having renamed the file back when the directory sync failed, so it stays in
  // place (if even that fails, the error says where it is).
  asio::awaitable<std::string> set_aside(vfs::file_system& fs, const std::string& path);

  // Writes `bytes` (the content of `path`) durably to the first free `<path>.corrupt-<n>`,
  // leaving `path` itself untouched; returns the copy's path or throws (removing a partial copy).
  asio::awaitable<std::string> keep_copy(vfs::file_system& fs, const std::string& path, std::string_view bytes);

 private:
  std::string snapshot_path_;
  std::string journal_path_;
  std::string lock_path_;
  std::string directory_;
  std::string name_;
  std::uint64_t next_temp_ = 1;

  // The first free `<path>.corrupt-<n>`.
  asio::awaitable<std::string> free_corrupt_name(vfs::file_system& fs, const std::string& path);
};

}  // namespace loopcheck::pdict
