#include "loopcheck/vfs/file_tree.hpp"

#include <fmt/format.h>

#include <cerrno>

#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/vfs/error.hpp"

namespace loopcheck::vfs {

namespace {

// Real paths are short; a deeper one is a bug in the caller, not a tree to walk.
constexpr std::size_t max_path_components = 256;

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : bytes) hash = (hash ^ byte) * 0x100000001b3ull;
  return hash;
}

}  // namespace

std::optional<std::vector<std::string>> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> components;
  std::size_t begin = 0;
  while (begin < path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(begin, end - begin);
    if (component == "." || component == "..") return std::nullopt;
    if (!component.empty()) {
      if (components.size() == max_path_components) return std::nullopt;
      components.emplace_back(component);
    }
    begin = end + 1;
  }
  return components;
}

file_tree::file_tree() { add_inode(root_inode, true); }

const file_tree::inode& file_tree::at(inode_id node) const {
  auto found = inodes_.find(node);
  LOOPCHECK_INVARIANT(found != inodes_.end());
  return found->second;
}

file_tree::inode& file_tree::at(inode_id node) {
  auto found = inodes_.find(node);
  LOOPCHECK_INVARIANT(found != inodes_.end());
  return found->second;
}

file_tree::lookup file_tree::resolve(std::string_view path) const {
  auto components = split_path(path);
  if (!components) return {.errno_value = EINVAL};
  inode_id node = root_inode;
  for (const auto& component : *components) {
    const inode& directory = at(node);
    if (!directory.is_directory) return {.errno_value = ENOTDIR};
    auto found = directory.entries.find(component);
    if (found == directory.entries.end()) return {.errno_value = ENOENT};
    node = found->second;
  }
  return {.node = node};
}

file_tree::entry_location file_tree::locate(std::string_view path) const {
  auto components = split_path(path);
  if (!components || components->empty()) return {.errno_value = EINVAL};
  std::string name = std::move(components->back());
  inode_id parent = root_inode;
  components->pop_back();
  for (const auto& component : *components) {
    const inode& directory = at(parent);
    auto found = directory.entries.find(component);
    if (found == directory.entries.end()) return {.errno_value = ENOENT};
    if (!at(found->second).is_directory) return {.errno_value = ENOTDIR};
    parent = found->second;
  }
  return {.parent = parent, .name = std::move(name)};
}

std::string file_tree::read_file(std::string_view path) const {
  lookup found = resolve(path);
  if (found.errno_value != 0) throw error(found.errno_value, "read_file", std::string(path));
  if (is_directory(found.node)) throw error(EISDIR, "read_file", std::string(path));
  return at(found.node).data;
}

file_stat file_tree::stat(std::string_view path) const {
  lookup found = resolve(path);
  if (found.errno_value == ENOENT || found.errno_value == ENOTDIR) return {};
  if (found.errno_value != 0) throw error(found.errno_value, "stat", std::string(path));
  const inode& node = at(found.node);
  return {.exists = true, .is_directory = node.is_directory, .size_bytes = node.data.size()};
}

std::vector<std::string> file_tree::list_dir(std::string_view path) const {
  lookup found = resolve(path);
  if (found.errno_value != 0) throw error(found.errno_value, "list_dir", std::string(path));
  if (!is_directory(found.node)) throw error(ENOTDIR, "list_dir", std::string(path));
  std::vector<std::string> names;
  for (const auto& [name, node] : at(found.node).entries) names.push_back(name);
  return names;  // std::map keeps them sorted
}

std::string file_tree::describe() const {
  std::string text;
  // Depth-first over reachable directories; a tree is acyclic, so each inode is visited once
  // and the walk ends after at most inodes_.size() visits.
  std::vector<std::pair<std::string, inode_id>> pending{{"", root_inode}};
  std::size_t visits = 0;
  while (!pending.empty()) {
    ++visits;
    LOOPCHECK_INVARIANT(visits <= inodes_.size());
    auto [prefix, directory] = std::move(pending.back());
    pending.pop_back();
    for (auto it = at(directory).entries.rbegin(); it != at(directory).entries.rend(); ++it) {
      const std::string path = prefix + "/" + it->first;
      const inode& node = at(it->second);
      if (node.is_directory) {
        text += path + "/ dir\n";
        pending.emplace_back(path, it->second);
      } else {
        text += fmt::format("{} {} bytes fnv1a={:016x}\n", path, node.data.size(), fnv1a(node.data));
      }
    }
  }
  return text;
}

bool file_tree::is_directory(inode_id node) const { return at(node).is_directory; }

std::uint64_t file_tree::size_of(inode_id node) const { return at(node).data.size(); }

std::optional<inode_id> file_tree::entry(inode_id directory, const std::string& name) const {
  const auto& entries = at(directory).entries;
  auto found = entries.find(name);
  if (found == entries.end()) return std::nullopt;
  return found->second;
}

std::size_t file_tree::entry_count(inode_id directory) const { return at(directory).entries.size(); }

inode_id file_tree::next_inode_id() const { return inodes_.rbegin()->first + 1; }

void file_tree::add_inode(inode_id node, bool is_directory) {
  auto [it, inserted] = inodes_.try_emplace(node);
  LOOPCHECK_INVARIANT(inserted);
  it->second.is_directory = is_directory;
}

void file_tree::link(inode_id directory, const std::string& name, inode_id node) {
  LOOPCHECK_INVARIANT(has_inode(node));
  inode& parent = at(directory);
  LOOPCHECK_INVARIANT(parent.is_directory);
  parent.entries[name] = node;
}

void file_tree::unlink(inode_id directory, const std::string& name) {
  const std::size_t erased = at(directory).entries.erase(name);
  LOOPCHECK_INVARIANT(erased == 1);
}

void file_tree::write(inode_id node, std::uint64_t offset_bytes, std::string_view bytes) {
  inode& file = at(node);
  LOOPCHECK_INVARIANT(!file.is_directory);
  if (file.data.size() < offset_bytes + bytes.size()) file.data.resize(offset_bytes + bytes.size(), '\0');
  file.data.replace(offset_bytes, bytes.size(), bytes);
}

void file_tree::resize(inode_id node, std::uint64_t size_bytes) {
  inode& file = at(node);
  LOOPCHECK_INVARIANT(!file.is_directory);
  file.data.resize(size_bytes, '\0');
}

void file_tree::drop_unreachable() {
  std::map<inode_id, inode> reachable;
  std::vector<inode_id> pending{root_inode};
  while (!pending.empty()) {
    LOOPCHECK_INVARIANT(reachable.size() <= inodes_.size());
    inode_id node = pending.back();
    pending.pop_back();
    auto& kept = reachable[node] = std::move(at(node));
    for (const auto& [name, child] : kept.entries) pending.push_back(child);
  }
  inodes_ = std::move(reachable);
}

}  // namespace loopcheck::vfs
