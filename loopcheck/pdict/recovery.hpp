#pragma once
// Loading a store: read the snapshot and the journal, verify them, and decide what the dict
// starts from. Corrupt files are never loaded in part, never overwritten and never deleted.
//
// Rules (docs/pdict.md has the full table):
//  * snapshot missing: empty data, generation 0. Snapshot corrupt (including empty, a
//    directory, a foreign JSON document): a corrupt_file finding; per on_corrupt, throw
//    corrupt_file_error leaving it in place, or set it aside and start empty.
//  * journal with the snapshot's generation: its valid prefix is replayed, a torn tail is
//    dropped. An older generation is stale (compacted into the snapshot) and ignored. A newer
//    generation (its snapshot is missing) or an invalid header is corruption, handled as above
//    (recovering keeps the snapshot's data).
//  * I/O errors while reading (EIO, ...) are not corruption: they propagate as vfs::error.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "loopcheck/pdict/mutation.hpp"
#include "loopcheck/pdict/store_files.hpp"
#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::pdict {

enum class on_corrupt : std::uint8_t { fail, recover_empty_after_setting_aside };

struct recovered_state {
  dict_data data;
  std::uint64_t generation = 0;           // of the snapshot the data came from (0: none)
  std::uint64_t next_generation = 1;      // above every generation seen in either file
  std::uint64_t snapshot_size_bytes = 0;
  // The journal can be appended to as is: it has the snapshot's generation and no torn tail.
  bool journal_appendable = false;
  std::uint64_t journal_size_bytes = 0;
  std::uint64_t last_seq = 0;             // the journal's last sequence number
  std::uint64_t journal_records_replayed = 0;
  std::uint64_t torn_tail_bytes = 0;
  std::vector<std::string> set_aside_paths;
  // Something was set aside: the store must be rewritten before it is trusted again.
  bool needs_rewrite = false;
};

// `report_corrupt` receives a message for each corrupt file (the dict makes it a finding).
asio::awaitable<recovered_state> recover(vfs::file_system& fs, store_files& files, on_corrupt policy,
                                         std::function<void(const std::string&)> report_corrupt);

// A read-only verdict on a store, for `loopcheck pdict check`.
struct check_report {
  bool ok = false;
  std::string reason;       // why not ok; empty when ok
  std::uint64_t generation = 0;
  std::size_t key_count = 0;
  std::uint64_t journal_records = 0;
  std::uint64_t torn_tail_bytes = 0;  // a torn tail is recoverable, so still ok
};

asio::awaitable<check_report> check_store(vfs::file_system& fs, std::string snapshot_path);

}  // namespace loopcheck::pdict
