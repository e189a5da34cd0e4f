#pragma once
#include "loopcheck/vfs/temp_directory.hpp"
// Helpers shared by the vfs tests: run a coroutine to completion, a scratch directory, and
// the file-replacement workloads the crash and fault tests torture.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "loopcheck/vfs/file_system.hpp"
#include "loopcheck/vfs/file_tree.hpp"

namespace loopcheck::vfs::testing {

// Runs the coroutine `body()` on a fresh io_context; returns its result or rethrows.
template <typename Body>
auto run_coroutine(Body body) {
  asio::io_context ctx;
  auto result = asio::co_spawn(ctx, body(), asio::use_future);
  ctx.run();
  return result.get();
}

struct temp_directory : loopcheck::vfs::temp_directory {
  temp_directory() : loopcheck::vfs::temp_directory("loopcheck-vfs") {}
};

// A durable tree holding `directory` (an entry of the root) with `name` = `content` in it.
inline file_tree tree_with_file(const std::string& directory, const std::string& name, const std::string& content) {
  file_tree tree;
  const inode_id dir_node = tree.next_inode_id();
  tree.add_inode(dir_node, true);
  tree.link(file_tree::root_inode, directory, dir_node);
  if (!name.empty()) {
    const inode_id file_node = tree.next_inode_id();
    tree.add_inode(file_node, false);
    tree.link(dir_node, name, file_node);
    tree.write(file_node, 0, content);
  }
  return tree;
}

// The replace protocol a durable store uses: write a temp file in the same directory, fsync
// it, rename it over the target, fsync the directory.
inline asio::awaitable<void> durable_replace(file_system& fs, std::string directory, std::string name,
                                             std::string content) {
  const std::string target = directory + "/" + name;
  const std::string temp = target + ".tmp";
  co_await fs.create(temp, create_mode::truncate_existing);
  co_await fs.write_at(temp, 0, content);
  co_await fs.fsync_file(temp);
  co_await fs.rename(temp, target);
  co_await fs.fsync_dir(directory);
}

// The naive protocols the crash enumerator must catch.
inline asio::awaitable<void> write_in_place(file_system& fs, std::string path, std::string content) {
  co_await fs.create(path, create_mode::truncate_existing);
  co_await fs.write_at(path, 0, content);
  co_await fs.fsync_file(path);
}

inline asio::awaitable<void> rename_without_fsync(file_system& fs, std::string directory, std::string name,
                                                  std::string content) {
  const std::string target = directory + "/" + name;
  const std::string temp = target + ".tmp";
  co_await fs.create(temp, create_mode::truncate_existing);
  co_await fs.write_at(temp, 0, content);
  co_await fs.rename(temp, target);
}

}  // namespace loopcheck::vfs::testing
