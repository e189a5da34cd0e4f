#pragma once
// The simulated file system: in memory, deterministic, with a crash model (crash_model.hpp),
// fault injection (fault_plan.hpp) and an operation log for crash-state enumeration
// (crash_enumerator.hpp).
//
// Durability: file data is volatile until fsync_file; directory entries (create, rename,
// unlink) until fsync_dir of their directory; the rename profile (crash_model.hpp) says when
// a rename is durable, the fsync failure profile what a failed fsync_file loses. The log records every state change and sync since the base state
// (construction, or the last crash()); reads are not logged.
//
// Runs on any executor — a plain io_context or the simulator's any_io_executor. Each call
// first yields (asio::post to the caller's executor), so a scheduler can interleave it with
// other tasks, then takes effect at once. Not thread-safe: use it from one thread at a time.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "loopcheck/vfs/crash_model.hpp"
#include "loopcheck/vfs/fault_plan.hpp"
#include "loopcheck/vfs/file_race_detector.hpp"
#include "loopcheck/vfs/file_system.hpp"
#include "loopcheck/vfs/file_tree.hpp"
#include "loopcheck/vfs/operation.hpp"

namespace loopcheck::vfs {

class sim_vfs final : public file_system {
 public:
  // Called for each operation (kind = its name, e.g. "rename"; detail = its arguments), and
  // for "fault" and "crash" events. A simulator's event log subscribes here.
  using event_hook = std::function<void(std::string_view kind, std::string_view detail)>;

  struct options {
    rename_profile profile = rename_profile::posix_weak;
    fsync_failure_profile fsync_failure = fsync_failure_profile::drops_unsynced;
    std::optional<fault_plan> fault{};
    event_hook on_event{};
    // A longer log is a runaway workload: logging throws std::length_error beyond it.
    std::size_t max_log_operations = 100'000;
    file_race_detector::options file_races{};
  };

  sim_vfs();
  explicit sim_vfs(options opts);
  // Starts from `durable_base` (e.g. a crash state), every part of it durable.
  sim_vfs(file_tree durable_base, options opts);

  asio::awaitable<std::string> read_file(std::string path) override;
  asio::awaitable<void> write_at(std::string path, std::uint64_t offset_bytes, std::string_view data) override;
  asio::awaitable<void> append(std::string path, std::string_view data) override;
  asio::awaitable<void> truncate(std::string path, std::uint64_t size_bytes) override;
  asio::awaitable<void> fsync_file(std::string path) override;
  asio::awaitable<void> create(std::string path, create_mode mode) override;
  asio::awaitable<void> create_directory(std::string path) override;
  asio::awaitable<void> rename(std::string from, std::string to) override;
  asio::awaitable<void> unlink(std::string path) override;
  asio::awaitable<void> fsync_dir(std::string path) override;
  asio::awaitable<std::vector<std::string>> list_dir(std::string path) override;
  asio::awaitable<file_stat> stat(std::string path) override;
  // Locks live in a table of this sim_vfs (the holder is "another holder in this simulation");
  // a crash releases them all, as a reboot does. The lock file's creation is logged as a create.
  asio::awaitable<std::unique_ptr<file_lock>> lock_exclusive(std::string path) override;

  // The current state, as a program sees it before any crash.
  const file_tree& tree() const { return live_; }
  // The durable state the log starts from.
  const file_tree& base() const { return base_; }
  std::span<const operation> log() const { return log_; }
  rename_profile profile() const { return options_.profile; }

  // The durable state a crash after `crash_point` logged operations leaves.
  file_tree crash_state(std::size_t crash_point, const crash_choice& choice) const;
  // A crash now, keeping a seed-chosen subset of the volatile operations.
  file_tree crash_state(std::uint64_t seed) const;
  // Crashes and reboots: the state becomes crash_state(seed), fully durable; the log restarts.
  void crash(std::uint64_t seed);

  const file_race_detector& file_races() const { return races_; }

  // Faults injected so far; a fault sweep stops at the first run with none.
  std::size_t faults_injected() const { return faults_injected_; }

 private:
  enum class fault_scope : std::uint8_t { any_call, allocating_call, write_call, file_sync_call };
  class sim_lock;

  // Throws the planned fault if this call is the one to fail; returns true for a short write,
  // which the caller performs partly before throwing.
  bool inject_fault(fault_scope scope, std::string_view operation, const std::string& path,
                    const std::string& other_path = {});
  void emit(std::string_view kind, std::string_view detail) const;
  // fsync_failure_profile::drops_unsynced: the node's volatile data operations are never durable.
  void drop_unsynced_writes(inode_id node);
  // Applies `op` to the live tree and logs it; returns its log index.
  std::size_t record(operation op);
  // Marks volatile log entries matching `covered` durable after log index `sync_index`.
  template <typename Predicate>
  void mark_durable(std::size_t sync_index, Predicate covered);
  inode_id existing_file(const std::string& path, std::string_view operation) const;
  void write_bytes(const std::string& path, std::optional<std::uint64_t> offset_bytes, std::string_view data,
                   std::string_view operation);

  options options_;
  file_race_detector races_{options_.file_races};
  file_tree base_;
  file_tree live_;
  std::vector<operation> log_;
  inode_id next_inode_;
  std::size_t eligible_calls_ = 0;
  std::size_t faults_injected_ = 0;
  // Locked inodes and the token of their holder: a lock released after a crash (a reboot
  // cleared the table) must not release its successor's.
  std::map<inode_id, std::uint64_t> locks_;
  std::uint64_t next_lock_token_ = 1;
};

}  // namespace loopcheck::vfs
