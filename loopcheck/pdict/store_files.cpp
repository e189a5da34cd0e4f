#include "loopcheck/pdict/store_files.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fmt/format.h>
#include <stdexcept>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/vfs/error.hpp"

namespace loopcheck::pdict {

namespace {

// A directory is expected to hold a handful of this store's files; more corrupt copies than
// this means something keeps corrupting the store, and a human must look.
constexpr std::uint64_t max_corrupt_copies = 10'000;

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Best effort, after a failed write: the file may or may not exist, and an error removing it
// must not hide the failure being reported.
asio::awaitable<void> remove_if_present(vfs::file_system& fs, const std::string& path) {
  try {
    const vfs::file_stat leftover = co_await fs.stat(path);  // named: g++ 12 and co_await in a condition
    if (leftover.exists) co_await fs.unlink(path);
  } catch (const vfs::error&) {
  }
}

}  // namespace

store_files::store_files(std::string snapshot_path) : snapshot_path_(std::move(snapshot_path)) {
  const auto slash = snapshot_path_.rfind('/');
  if (snapshot_path_.empty() || snapshot_path_.front() != '/' || slash == std::string::npos ||
      slash + 1 == snapshot_path_.size()) {
    throw std::invalid_argument(fmt::format("pdict: path '{}' must be absolute and name a file", snapshot_path_));
  }
  journal_path_ = snapshot_path_ + ".journal";
  lock_path_ = snapshot_path_ + ".lock";
  directory_ = slash == 0 ? "/" : snapshot_path_.substr(0, slash);
  name_ = snapshot_path_.substr(slash + 1);
}

asio::awaitable<void> store_files::durable_replace(vfs::file_system& fs, const std::string& target,
                                                   std::string_view bytes) {
  LOOPCHECK_INVARIANT(target == snapshot_path_ || target == journal_path_);
  const std::string temp = fmt::format("{}.tmp-{}", snapshot_path_, next_temp_++);
  std::exception_ptr failure;
  try {
    co_await fs.create(temp, vfs::create_mode::exclusive);
    co_await fs.write_at(temp, 0, bytes);
    const vfs::file_stat written = co_await fs.stat(temp);
    if (written.size_bytes != bytes.size()) {
      throw vfs::error(EIO, "durable_replace", temp, {},
                       fmt::format("short write: {} of {} bytes", written.size_bytes, bytes.size()));
    }
    co_await fs.fsync_file(temp);
    co_await fs.rename(temp, target);
    co_await fs.fsync_dir(directory_);
    co_return;
  } catch (...) {
    failure = std::current_exception();
  }
  // Hygiene, not correctness: a stale temp is removed at the next open.
  co_await remove_if_present(fs, temp);
  std::rethrow_exception(failure);
}

asio::awaitable<std::unique_ptr<vfs::file_lock>> store_files::lock_for_writing(vfs::file_system& fs) {
  try {
    co_return co_await fs.lock_exclusive(lock_path_);
  } catch (const vfs::error& e) {
    if (e.errno_value() != EWOULDBLOCK) throw;
    throw store_locked_error(snapshot_path_, e.detail().empty() ? "held by another writer" : e.detail());
  }
}

asio::awaitable<void> store_files::remove_stale_temps(vfs::file_system& fs) {
  const std::string prefix = name_ + ".tmp-";
  bool removed = false;
  for (const auto& entry : co_await fs.list_dir(directory_)) {
    // Only names this store makes (<name>.tmp-<n>): another file that merely starts alike stays.
    const std::string_view suffix = std::string_view(entry).substr(std::min(entry.size(), prefix.size()));
    const bool ours = starts_with(entry, prefix) && !suffix.empty() &&
                      std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ours) continue;
    co_await fs.unlink(directory_ + "/" + entry);
    removed = true;
  }
  if (removed) co_await fs.fsync_dir(directory_);
}

asio::awaitable<std::string> store_files::free_corrupt_name(vfs::file_system& fs, const std::string& path) {
  LOOPCHECK_INVARIANT(path == snapshot_path_ || path == journal_path_);
  // Named after the file itself, so the evidence says whether it was the snapshot or the journal.
  const std::string prefix = path.substr(directory_ == "/" ? 1 : directory_.size() + 1) + ".corrupt-";
  std::uint64_t highest = 0;
  for (const auto& entry : co_await fs.list_dir(directory_)) {
    if (!starts_with(entry, prefix)) continue;
    std::uint64_t n = 0;
    const auto digits = std::string_view(entry).substr(prefix.size());
    if (std::from_chars(digits.data(), digits.data() + digits.size(), n).ec == std::errc{}) highest = std::max(highest, n);
  }
  if (highest >= max_corrupt_copies) {
    throw vfs::error(ENOSPC, "set_aside", path, {}, fmt::format("{} corrupt copies already kept", highest));
  }
  co_return fmt::format("{}/{}{}", directory_ == "/" ? "" : directory_, prefix, highest + 1);
}

asio::awaitable<std::string> store_files::set_aside(vfs::file_system& fs, const std::string& path) {
  const std::string aside = co_await free_corrupt_name(fs, path);
  co_await fs.rename(path, aside);
  std::exception_ptr sync_failure;
  try {
    co_await fs.fsync_dir(directory_);
    co_return aside;
  } catch (const vfs::error&) {
    sync_failure = std::current_exception();
  }
  // "Left in place" must stay true: undo the rename the failed sync leaves in doubt.
  try {
    co_await fs.rename(aside, path);
  } catch (const vfs::error& e) {
    throw vfs::error(e.errno_value(), "set_aside", path, aside,
                     "the directory sync failed and renaming the file back failed too: it is now at the second path");
  }
  std::rethrow_exception(sync_failure);
}

asio::awaitable<std::string> store_files::keep_copy(vfs::file_system& fs, const std::string& path,
                                                    std::string_view bytes) {
  const std::string copy = co_await free_corrupt_name(fs, path);
  std::exception_ptr failure;
  try {
    co_await fs.create(copy, vfs::create_mode::exclusive);
    co_await fs.write_at(copy, 0, bytes);
    co_await fs.fsync_file(copy);
    co_await fs.fsync_dir(directory_);
    co_return copy;
  } catch (const vfs::error&) {
    failure = std::current_exception();
  }
  co_await remove_if_present(fs, copy);  // a partial copy is not evidence; the original still is
  std::rethrow_exception(failure);
}

}  // namespace loopcheck::pdict
