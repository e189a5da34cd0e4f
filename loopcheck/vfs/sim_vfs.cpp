#include "loopcheck/vfs/sim_vfs.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <stdexcept>

#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/vfs/error.hpp"

namespace loopcheck::vfs {

namespace {

// Lets the executor's scheduler run other ready work before this call takes effect. A post to
// the awaiting coroutine's own executor, without a coroutine frame of its own.
auto yield_to_scheduler() { return asio::post(asio::use_awaitable); }

// True when `inner` names `outer` itself or a path beneath it (a directory cannot move there).
bool is_within(std::string_view outer, std::string_view inner) {
  auto outer_components = split_path(outer);
  auto inner_components = split_path(inner);
  if (!outer_components || !inner_components || inner_components->size() < outer_components->size()) return false;
  for (std::size_t i = 0; i < outer_components->size(); ++i) {
    if ((*outer_components)[i] != (*inner_components)[i]) return false;
  }
  return true;
}

}  // namespace

sim_vfs::sim_vfs() : sim_vfs(options{}) {}

sim_vfs::sim_vfs(options opts) : sim_vfs(file_tree{}, std::move(opts)) {}

sim_vfs::sim_vfs(file_tree durable_base, options opts)
    : options_(std::move(opts)), base_(std::move(durable_base)), live_(base_), next_inode_(base_.next_inode_id()) {
  LOOPCHECK_INVARIANT(!options_.fault || options_.fault->fail_at_operation >= 1);
}

void sim_vfs::emit(std::string_view kind, std::string_view detail) const {
  if (options_.on_event) options_.on_event(kind, detail);
}

bool sim_vfs::inject_fault(fault_scope scope, std::string_view operation, const std::string& path,
                           const std::string& other_path) {
  if (!options_.fault) return false;
  const fault_plan& plan = *options_.fault;
  switch (plan.kind) {  // which calls count toward N: see fault_plan.hpp
    case fault_kind::eio: break;
    case fault_kind::enospc:
      if (scope == fault_scope::any_call) return false;
      break;
    case fault_kind::short_write:
      if (scope != fault_scope::write_call) return false;
      break;
    case fault_kind::fsync_eio:
      if (scope != fault_scope::file_sync_call) return false;
      break;
  }
  const std::size_t call_number = ++eligible_calls_;
  const bool fires = plan.repeat == fault_repeat::once ? call_number == plan.fail_at_operation
                                                       : call_number >= plan.fail_at_operation;
  if (!fires) return false;
  ++faults_injected_;
  const std::string detail = fmt::format("injected {} at operation {}", to_string(plan.kind), call_number);
  emit("fault", fmt::format("{} {} {}", detail, operation, path));
  if (plan.kind == fault_kind::short_write) return true;
  throw error(plan.kind == fault_kind::enospc ? ENOSPC : EIO, operation, path, other_path, detail);
}

std::size_t sim_vfs::record(operation op) {
  if (log_.size() == options_.max_log_operations) {
    throw std::length_error(fmt::format("sim_vfs: operation log exceeds max_log_operations ({})",
                                        options_.max_log_operations));
  }
  apply(live_, op);
  log_.push_back(std::move(op));
  return log_.size() - 1;
}

template <typename Predicate>
void sim_vfs::mark_durable(std::size_t sync_index, Predicate covered) {
  for (std::size_t i = 0; i < sync_index; ++i) {
    operation& op = log_[i];
    if (!op.durable_after && !op.lost_from && covered(op)) op.durable_after = sync_index;
  }
}

void sim_vfs::drop_unsynced_writes(inode_id node) {
  const std::size_t now = log_.size();
  std::size_t dropped = 0;
  for (operation& op : log_) {
    if (changes_data(op.kind) && op.node == node && !op.durable_after && !op.lost_from) {
      op.lost_from = now;
      ++dropped;
    }
  }
  emit("fsync_dropped", fmt::format("inode {} lost {} unsynced write(s)", node, dropped));
}

inode_id sim_vfs::existing_file(const std::string& path, std::string_view operation) const {
  file_tree::lookup found = live_.resolve(path);
  if (found.errno_value != 0) throw error(found.errno_value, operation, path);
  if (live_.is_directory(found.node)) throw error(EISDIR, operation, path);
  return found.node;
}

void sim_vfs::write_bytes(const std::string& path, std::optional<std::uint64_t> offset_bytes, std::string_view data,
                          std::string_view operation) {
  // The bytes' FNV-1a digest makes what was written part of a simulated run's identity.
  std::uint64_t digest = 0xcbf29ce484222325ull;
  for (const char c : data) digest = (digest ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  emit(operation, fmt::format("{} offset={} size_bytes={} fnv={:016x}", path,
                              offset_bytes ? std::to_string(*offset_bytes) : "end", data.size(), digest));
  // An append's place depends on the file's size: it conflicts with the whole file.
  races_.on_access(operation, path, true, offset_bytes ? byte_range::at(*offset_bytes, data.size()) : byte_range::whole_file());
  const bool short_write = inject_fault(fault_scope::write_call, operation, path);
  const inode_id node = existing_file(path, operation);
  const std::string_view persisted = short_write ? data.substr(0, data.size() / 2) : data;
  const std::uint64_t at_bytes = offset_bytes.value_or(live_.size_of(node));
  if (!persisted.empty()) {
    record({.kind = operation_kind::write,
            .description = fmt::format("{} {} offset={} size_bytes={}", operation, path, at_bytes, persisted.size()),
            .node = node,
            .offset_bytes = at_bytes,
            .data = std::string(persisted)});
  }
  if (short_write) {
    throw error(ENOSPC, operation, path, {},
                fmt::format("injected short write: {} of {} bytes written", persisted.size(), data.size()));
  }
}

asio::awaitable<std::string> sim_vfs::read_file(std::string path) {
  co_await yield_to_scheduler();
  emit("read_file", path);
  races_.on_access("read_file", path, false);
  inject_fault(fault_scope::any_call, "read_file", path);
  co_return live_.read_file(path);
}

asio::awaitable<void> sim_vfs::write_at(std::string path, std::uint64_t offset_bytes, std::string_view data) {
  co_await yield_to_scheduler();
  write_bytes(path, offset_bytes, data, "write_at");
}

asio::awaitable<void> sim_vfs::append(std::string path, std::string_view data) {
  co_await yield_to_scheduler();
  write_bytes(path, std::nullopt, data, "append");
}

asio::awaitable<void> sim_vfs::truncate(std::string path, std::uint64_t size_bytes) {
  co_await yield_to_scheduler();
  emit("truncate", fmt::format("{} size_bytes={}", path, size_bytes));
  races_.on_access("truncate", path, true);
  inject_fault(fault_scope::allocating_call, "truncate", path);
  const inode_id node = existing_file(path, "truncate");
  record({.kind = operation_kind::truncate,
          .description = fmt::format("truncate {} size_bytes={}", path, size_bytes),
          .node = node,
          .size_bytes = size_bytes});
}

asio::awaitable<void> sim_vfs::fsync_file(std::string path) {
  co_await yield_to_scheduler();
  emit("fsync_file", path);
  races_.on_access("fsync_file", path, false);
  file_tree::lookup found = live_.resolve(path);
  try {
    inject_fault(fault_scope::file_sync_call, "fsync_file", path);
  } catch (const error&) {
    if (found.errno_value == 0 && options_.fsync_failure == fsync_failure_profile::drops_unsynced) {
      drop_unsynced_writes(found.node);
    }
    throw;
  }
  if (found.errno_value != 0) throw error(found.errno_value, "fsync_file", path);
  const std::size_t index =
      record({.kind = operation_kind::fsync_file, .description = "fsync_file " + path, .node = found.node});
  mark_durable(index, [&](const operation& op) { return changes_data(op.kind) && op.node == found.node; });
}

asio::awaitable<void> sim_vfs::create(std::string path, create_mode mode) {
  co_await yield_to_scheduler();
  emit("create", fmt::format("{} mode={}", path, mode == create_mode::exclusive       ? "exclusive"
                                                 : mode == create_mode::open_existing ? "open_existing"
                                                                                      : "truncate_existing"));
  races_.on_access("create", path, mode != create_mode::open_existing);
  inject_fault(fault_scope::allocating_call, "create", path);
  file_tree::entry_location where = live_.locate(path);
  if (where.errno_value != 0) throw error(where.errno_value, "create", path);
  if (auto existing = live_.entry(where.parent, where.name)) {
    if (mode == create_mode::exclusive) throw error(EEXIST, "create", path);
    if (live_.is_directory(*existing)) throw error(EISDIR, "create", path);
    if (mode == create_mode::truncate_existing) {
      record({.kind = operation_kind::truncate, .description = "create(truncate_existing) " + path, .node = *existing});
    }
    co_return;
  }
  record({.kind = operation_kind::create_file,
          .description = "create " + path,
          .node = next_inode_++,
          .parent = where.parent,
          .name = where.name});
}

asio::awaitable<void> sim_vfs::create_directory(std::string path) {
  co_await yield_to_scheduler();
  emit("create_directory", path);
  inject_fault(fault_scope::allocating_call, "create_directory", path);
  file_tree::entry_location where = live_.locate(path);
  if (where.errno_value == EINVAL && live_.resolve(path).errno_value == 0) throw error(EEXIST, "create_directory", path);
  if (where.errno_value != 0) throw error(where.errno_value, "create_directory", path);
  if (live_.entry(where.parent, where.name)) throw error(EEXIST, "create_directory", path);
  record({.kind = operation_kind::create_directory,
          .description = "create_directory " + path,
          .node = next_inode_++,
          .parent = where.parent,
          .name = where.name});
}

asio::awaitable<void> sim_vfs::rename(std::string from, std::string to) {
  co_await yield_to_scheduler();
  emit("rename", from + " -> " + to);
  races_.on_access("rename", from, true);
  races_.on_access("rename", to, true);
  inject_fault(fault_scope::allocating_call, "rename", from, to);
  file_tree::entry_location source = live_.locate(from);
  file_tree::entry_location target = live_.locate(to);
  if (source.errno_value != 0) throw error(source.errno_value, "rename", from, to);
  if (target.errno_value != 0) throw error(target.errno_value, "rename", from, to);
  const std::optional<inode_id> moved = live_.entry(source.parent, source.name);
  if (!moved) throw error(ENOENT, "rename", from, to);
  const std::optional<inode_id> replaced = live_.entry(target.parent, target.name);
  if (replaced == moved) co_return;  // rename(2): same file, nothing to do
  const bool moving_directory = live_.is_directory(*moved);
  if (moving_directory && is_within(from, to)) throw error(EINVAL, "rename", from, to);
  if (replaced) {
    const bool replacing_directory = live_.is_directory(*replaced);
    if (!moving_directory && replacing_directory) throw error(EISDIR, "rename", from, to);
    if (moving_directory && !replacing_directory) throw error(ENOTDIR, "rename", from, to);
    if (replacing_directory && live_.entry_count(*replaced) > 0) throw error(ENOTEMPTY, "rename", from, to);
  }
  const std::size_t index = record({.kind = operation_kind::rename,
                                    .description = "rename " + from + " -> " + to,
                                    .node = *moved,
                                    .parent = source.parent,
                                    .name = source.name,
                                    .target_parent = target.parent,
                                    .target_name = target.name});
  if (options_.profile == rename_profile::atomic_rename) {
    // Durable on return, with the renamed file's earlier data (see crash_model.hpp).
    log_[index].durable_after = index;
    mark_durable(index, [&](const operation& op) { return changes_data(op.kind) && op.node == *moved; });
  }
}

asio::awaitable<void> sim_vfs::unlink(std::string path) {
  co_await yield_to_scheduler();
  emit("unlink", path);
  races_.on_access("unlink", path, true);
  inject_fault(fault_scope::any_call, "unlink", path);
  file_tree::entry_location where = live_.locate(path);
  if (where.errno_value != 0) throw error(where.errno_value == EINVAL ? EISDIR : where.errno_value, "unlink", path);
  const std::optional<inode_id> removed = live_.entry(where.parent, where.name);
  if (!removed) throw error(ENOENT, "unlink", path);
  if (live_.is_directory(*removed)) throw error(EISDIR, "unlink", path);
  record({.kind = operation_kind::unlink,
          .description = "unlink " + path,
          .node = *removed,
          .parent = where.parent,
          .name = where.name});
}

asio::awaitable<void> sim_vfs::fsync_dir(std::string path) {
  co_await yield_to_scheduler();
  emit("fsync_dir", path);
  inject_fault(fault_scope::allocating_call, "fsync_dir", path);
  file_tree::lookup found = live_.resolve(path);
  if (found.errno_value != 0) throw error(found.errno_value, "fsync_dir", path);
  if (!live_.is_directory(found.node)) throw error(ENOTDIR, "fsync_dir", path);
  const std::size_t index =
      record({.kind = operation_kind::fsync_dir, .description = "fsync_dir " + path, .node = found.node});
  mark_durable(index, [&](const operation& op) {
    return changes_directory(op.kind) && (op.parent == found.node || op.target_parent == found.node);
  });
}

asio::awaitable<std::vector<std::string>> sim_vfs::list_dir(std::string path) {
  co_await yield_to_scheduler();
  emit("list_dir", path);
  inject_fault(fault_scope::any_call, "list_dir", path);
  co_return live_.list_dir(path);
}

asio::awaitable<file_stat> sim_vfs::stat(std::string path) {
  co_await yield_to_scheduler();
  emit("stat", path);
  inject_fault(fault_scope::any_call, "stat", path);
  co_return live_.stat(path);
}

class sim_vfs::sim_lock final : public file_lock {
 public:
  sim_lock(sim_vfs& fs, inode_id node, std::uint64_t token) : fs_(fs), node_(node), token_(token) {}
  ~sim_lock() override {
    const auto held = fs_.locks_.find(node_);
    if (held != fs_.locks_.end() && held->second == token_) fs_.locks_.erase(held);
  }

 private:
  sim_vfs& fs_;
  inode_id node_;
  std::uint64_t token_;
};

asio::awaitable<std::unique_ptr<file_lock>> sim_vfs::lock_exclusive(std::string path) {
  co_await yield_to_scheduler();
  emit("lock_exclusive", path);
  file_tree::entry_location where = live_.locate(path);
  std::optional<inode_id> node;
  if (where.errno_value == 0) node = live_.entry(where.parent, where.name);
  // Only creating the lock file allocates.
  inject_fault(node ? fault_scope::any_call : fault_scope::allocating_call, "lock_exclusive", path);
  if (where.errno_value != 0) throw error(where.errno_value, "lock_exclusive", path);
  if (node && live_.is_directory(*node)) throw error(EISDIR, "lock_exclusive", path);
  if (!node) {
    node = next_inode_++;
    record({.kind = operation_kind::create_file,
            .description = "create (lock) " + path,
            .node = *node,
            .parent = where.parent,
            .name = where.name});
  }
  if (locks_.contains(*node)) {
    throw error(EWOULDBLOCK, "lock_exclusive", path, {}, "held by another holder in this simulation");
  }
  const std::uint64_t token = next_lock_token_++;
  locks_.emplace(*node, token);
  co_return std::make_unique<sim_lock>(*this, *node, token);
}

file_tree sim_vfs::crash_state(std::size_t crash_point, const crash_choice& choice) const {
  return vfs::crash_state(base_, log_, crash_point, choice);
}

file_tree sim_vfs::crash_state(std::uint64_t seed) const {
  return crash_state(log_.size(), {.kind = survival::random_subset, .seed = seed});
}

void sim_vfs::crash(std::uint64_t seed) {
  emit("crash", fmt::format("seed={} after {} logged operations", seed, log_.size()));
  base_ = crash_state(seed);
  base_.drop_unreachable();
  live_ = base_;
  log_.clear();
  locks_.clear();  // a reboot: no process holds a lock any more
  next_inode_ = base_.next_inode_id();
}

}  // namespace loopcheck::vfs
