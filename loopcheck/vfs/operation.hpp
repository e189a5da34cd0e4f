#pragma once
// One entry of sim_vfs's operation log: a state change (or sync) as the crash model replays
// it. Entries name inodes, not paths, so a write to a file that was later renamed still
// reaches it, and a write to a file whose creation a crash lost reaches nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loopcheck/vfs/file_tree.hpp"

namespace loopcheck::vfs {

enum class operation_kind : std::uint8_t {
  create_file,       // directory entry: volatile until fsync_dir(parent)
  create_directory,  // directory entry
  rename,            // directory entries (source and target)
  unlink,            // directory entry
  write,             // file data: volatile until fsync_file (append is a write at the old end)
  truncate,          // file data (size)
  fsync_file,
  fsync_dir,
};

std::string_view to_string(operation_kind kind);
bool changes_directory(operation_kind kind);
bool changes_data(operation_kind kind);

struct operation {
  operation_kind kind = operation_kind::write;
  std::string description{};  // e.g. "rename /d/a.tmp -> /d/a", for crash reports
  // The inode created, moved, unlinked, written, truncated or synced.
  inode_id node = 0;
  // The entry created, unlinked or renamed from.
  inode_id parent = 0;
  std::string name{};
  // The entry renamed to.
  inode_id target_parent = 0;
  std::string target_name{};
  std::uint64_t offset_bytes = 0;  // write
  std::string data{};              // write
  std::uint64_t size_bytes = 0;    // truncate
  // Index (in the log) of the operation that made this one durable; a crash at a point after
  // that index keeps it. Empty while volatile; sync operations leave it empty.
  std::optional<std::size_t> durable_after{};
  // Set when a failed fsync of its file dropped it (fsync_failure_profile::drops_unsynced):
  // a crash at this point or later never keeps it, and no later sync makes it durable.
  std::optional<std::size_t> lost_from{};
};

// Applies the whole operation to `tree` (the crash model may apply a write torn instead).
void apply(file_tree& tree, const operation& op);

}  // namespace loopcheck::vfs
