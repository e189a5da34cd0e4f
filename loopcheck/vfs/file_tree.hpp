#pragma once
// An in-memory file tree: inodes (files with bytes, directories with named entries) reached
// from a root directory. It is sim_vfs's live state, the durable base its log starts from, and
// each post-crash state; its const methods are the read-only view an invariant inspects.
//
// Paths are absolute, '/'-separated; empty components are ignored and "." or ".." is EINVAL.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::vfs {

using inode_id = std::uint64_t;

class file_tree {
 public:
  static constexpr inode_id root_inode = 1;

  // A tree holding only the root directory.
  file_tree();

  // The read-only view: same results and errors (vfs::error) as the file_system calls.
  std::string read_file(std::string_view path) const;
  file_stat stat(std::string_view path) const;
  std::vector<std::string> list_dir(std::string_view path) const;
  // One line per reachable path, sorted: "/d/ dir" or "/d/f 12 bytes fnv1a=…"; for messages.
  std::string describe() const;

  friend bool operator==(const file_tree&, const file_tree&) = default;

  // --- Building blocks for sim_vfs and the crash model.

  // The inode at `path`, or the errno (ENOENT, ENOTDIR, EINVAL) that resolving it gives.
  struct lookup {
    inode_id node = 0;
    int errno_value = 0;
  };
  lookup resolve(std::string_view path) const;
  // The directory that holds (or would hold) `path`'s last component, and that component.
  // errno_value is EINVAL for the root, which has no parent.
  struct entry_location {
    inode_id parent = 0;
    std::string name{};
    int errno_value = 0;
  };
  entry_location locate(std::string_view path) const;

  bool has_inode(inode_id node) const { return inodes_.contains(node); }
  bool is_directory(inode_id node) const;
  std::uint64_t size_of(inode_id node) const;
  std::optional<inode_id> entry(inode_id directory, const std::string& name) const;
  std::size_t entry_count(inode_id directory) const;
  // A fresh id: greater than every id the tree holds.
  inode_id next_inode_id() const;

  void add_inode(inode_id node, bool is_directory);
  // Points `name` in `directory` at `node`, replacing any entry of that name.
  void link(inode_id directory, const std::string& name, inode_id node);
  void unlink(inode_id directory, const std::string& name);
  // Writes `bytes` at `offset_bytes`, growing the file with zeros up to the offset if needed.
  void write(inode_id node, std::uint64_t offset_bytes, std::string_view bytes);
  void resize(inode_id node, std::uint64_t size_bytes);
  // Frees inodes no path reaches (nothing holds them open after a crash).
  void drop_unreachable();

 private:
  struct inode {
    bool is_directory = false;
    std::string data;                         // files only
    std::map<std::string, inode_id> entries;  // directories only
    friend bool operator==(const inode&, const inode&) = default;
  };

  const inode& at(inode_id node) const;
  inode& at(inode_id node);

  std::map<inode_id, inode> inodes_;
};

// Splits an absolute path into components; nullopt when the path is not one (EINVAL).
std::optional<std::vector<std::string>> split_path(std::string_view path);

}  // namespace loopcheck::vfs
