#include "loopcheck/vfs/operation.hpp"

namespace loopcheck::vfs {

std::string_view to_string(operation_kind kind) {
  switch (kind) {
    case operation_kind::create_file: return "create_file";
    case operation_kind::create_directory: return "create_directory";
    case operation_kind::rename: return "rename";
    case operation_kind::unlink: return "unlink";
    case operation_kind::write: return "write";
    case operation_kind::truncate: return "truncate";
    case operation_kind::fsync_file: return "fsync_file";
    case operation_kind::fsync_dir: return "fsync_dir";
  }
  return "unknown";
}

bool changes_directory(operation_kind kind) {
  return kind == operation_kind::create_file || kind == operation_kind::create_directory ||
         kind == operation_kind::rename || kind == operation_kind::unlink;
}

bool changes_data(operation_kind kind) { return kind == operation_kind::write || kind == operation_kind::truncate; }

void apply(file_tree& tree, const operation& op) {
  switch (op.kind) {
    case operation_kind::create_file:
    case operation_kind::create_directory:
      tree.add_inode(op.node, op.kind == operation_kind::create_directory);
      tree.link(op.parent, op.name, op.node);
      return;
    case operation_kind::rename:
      tree.unlink(op.parent, op.name);
      tree.link(op.target_parent, op.target_name, op.node);
      return;
    case operation_kind::unlink:
      tree.unlink(op.parent, op.name);
      return;
    case operation_kind::write:
      tree.write(op.node, op.offset_bytes, op.data);
      return;
    case operation_kind::truncate:
      tree.resize(op.node, op.size_bytes);
      return;
    case operation_kind::fsync_file:
    case operation_kind::fsync_dir:
      return;
  }
}

}  // namespace loopcheck::vfs
