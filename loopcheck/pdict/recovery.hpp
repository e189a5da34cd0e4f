#pragma once
// Loading a store: read the snapshot and the journal, verify them, and decide what the dict
// starts from. Corrupt files are never loaded in part, never overwritten and never deleted.
//
// Rules (docs/pdict.md has the full table):
//  * snapshot missing: empty data, generation 0. Snapshot corrupt (including empty, a
//    directory, a foreign JSON document): a corrupt_file finding; per on_corrupt, throw
//    corrupt_file_error leaving it in place, or set it aside and start empty.
//  * journal with the snapshot's generation: its records are replayed; a torn tail (the final,
//    unacknowledged append) is dropped. Damaged committed records (journal_format.hpp tells
//    them from a torn tail) are handled per journal_recovery. An older generation is stale
//    (compacted into the snapshot) and ignored. A newer generation (its snapshot is missing) or
//    an invalid header is corruption of the whole file, handled per on_corrupt (recovering
//    keeps the snapshot's data).
//  * I/O errors while reading (EIO, ...) are not corruption: they propagate as vfs::error.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/mutation.hpp"
#include "loopcheck/pdict/store_files.hpp"
#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::pdict {

// A snapshot or journal that cannot be read as one at all.
enum class on_corrupt : std::uint8_t { fail, recover_empty_after_setting_aside };

// Committed journal records that are damaged (in the spirit of RocksDB's WAL recovery modes).
enum class journal_recovery : std::uint8_t {
  // Refuse to open: a corrupt_file finding naming the record, corrupt_file_error, every file
  // left untouched.
  fail,
  // Set the damaged journal aside first, then open with the records before the damage; a
  // corrupt_file finding and a lost_write finding saying how many committed records were
  // dropped. If setting aside fails, nothing is touched and open fails as with `fail`.
  point_in_time,
};

struct recovery_policy {
  on_corrupt corrupt = on_corrupt::fail;
  journal_recovery journal = journal_recovery::fail;
};

// Receives each finding recovery makes (the dict records them in its registry).
using recovery_reporter = std::function<void(finding_kind kind, const std::string& message)>;

struct recovered_state {
  dict_data data;
  std::uint64_t generation = 0;           // of the snapshot the data came from (0: none)
  std::uint64_t next_generation = 1;      // above every generation seen in either file
  std::uint64_t snapshot_size_bytes = 0;
  // The journal can be appended to as is: the current format, the snapshot's generation, no
  // torn tail and no damage.
  bool journal_appendable = false;
  std::uint64_t journal_size_bytes = 0;
  std::uint64_t last_seq = 0;             // the journal's last sequence number
  std::uint64_t journal_records_replayed = 0;
  std::uint64_t torn_tail_bytes = 0;
  // point_in_time: committed records dropped with the damaged journal (at least this many).
  std::uint64_t damaged_records_dropped = 0;
  std::vector<std::string> set_aside_paths;
  // Something was set aside: the store must be rewritten before it is trusted again.
  bool needs_rewrite = false;
};

asio::awaitable<recovered_state> recover(vfs::file_system& fs, store_files& files, recovery_policy policy,
                                         recovery_reporter report);

// A read-only verdict on a store, for `loopcheck pdict check`.
struct check_report {
  bool ok = false;
  std::string reason;       // why not ok; empty when ok
  std::uint64_t generation = 0;
  std::size_t key_count = 0;
  std::uint64_t journal_records = 0;
  std::uint64_t torn_tail_bytes = 0;  // a torn tail is recoverable, so still ok
  std::optional<journal_damage> damage;  // damaged committed records: not ok
};

asio::awaitable<check_report> check_store(vfs::file_system& fs, std::string snapshot_path);

}  // namespace loopcheck::pdict
