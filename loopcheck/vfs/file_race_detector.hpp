#pragma once
// File races detected at their cause: two accesses to the same file, at least one changing it,
// overlapping byte ranges, and neither happening before the other (runtime/happens_before.hpp).
// The effect-based checks see a race only in schedules where it happens to tear or lose a
// write; this sees it in every schedule, FIFO included, and on files nobody checks afterwards.
//
// sim_vfs and posix_vfs each own one and note every file access at its start. Accesses outside
// tracked tasks (a test reading the result after the run) are not recorded. Directory
// operations (create_directory, fsync_dir, list_dir), stat and lock_exclusive are not accesses.
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <source_location>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "loopcheck/runtime/vector_clock.hpp"

namespace loopcheck {
class registry_core;
}

namespace loopcheck::vfs {

struct byte_range {
  std::uint64_t begin = 0;
  std::uint64_t end = std::numeric_limits<std::uint64_t>::max();  // exclusive

  static byte_range whole_file() { return {}; }
  static byte_range at(std::uint64_t offset_bytes, std::uint64_t size_bytes) {
    return {offset_bytes, offset_bytes + size_bytes};
  }
  bool overlaps(const byte_range& other) const { return begin < other.end && other.begin < end; }
  bool covers(const byte_range& other) const { return begin <= other.begin && other.end <= end; }
};

// Whether file systems made from now on detect file races (options::enabled's default): on,
// unless turned off here (`loopcheck run --no-file-races` does). Thread-safe.
bool file_race_detection_default();
void set_file_race_detection_default(bool enabled);

class file_race_detector {
 public:
  struct options {
    bool enabled = file_race_detection_default();
    // Limits: the oldest access of a path is forgotten past max_accesses_per_path, and paths
    // beyond max_paths are not tracked (both counted in dropped_accesses()).
    std::size_t max_accesses_per_path = 64;
    std::size_t max_paths = 4096;
  };

  file_race_detector() = default;
  explicit file_race_detector(options opts) : options_(opts) {}

  // Notes an access by the calling tracked task (`operation` names it, e.g. "write_at"; a
  // string literal) and records a file_race finding, in that task's registry, for each earlier
  // access it races with — once per pair of (spawn site, operation).
  void on_access(std::string_view operation, const std::string& path, bool changes,
                 byte_range range = byte_range::whole_file());

  std::size_t races_reported() const;
  std::size_t dropped_accesses() const;

 private:
  struct access {
    std::string_view operation;
    byte_range range;
    bool changes;
    clock_epoch epoch;
    std::uint64_t task_id;
    std::string task_name;
    std::source_location site;
    // The task's execution context. Once it is shut down, everything after happens after its
    // tasks (whoever goes on was waiting for it to finish): its accesses are forgotten.
    std::weak_ptr<registry_core> context;
  };
  // One reported pair: (file, line, operation) of each side, in a canonical order.
  using site_key = std::tuple<std::string_view, std::uint_least32_t, std::string_view>;

  // Apart, so a file system holding a detector stays movable.
  struct shared_state {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<access>> history;  // guarded by mutex
    std::set<std::pair<site_key, site_key>> reported;             // guarded by mutex
    std::size_t dropped = 0;                                       // guarded by mutex
  };

  options options_;
  std::unique_ptr<shared_state> state_ = std::make_unique<shared_state>();
};

}  // namespace loopcheck::vfs
