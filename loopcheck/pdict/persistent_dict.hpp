#pragma once
// The persistent dict: string keys to JSON values, in memory, backed up asynchronously.
//
// Reads and mutations are synchronous. Each mutation requests a backup through a lazy_slot
// (one write in flight, one waiting, bursts coalesce); a backup writes a snapshot with the
// durable replace protocol, or in journal mode appends the new records and fsyncs once,
// compacting the journal into the snapshot when it outgrows it. flush() completes when every
// earlier mutation is durable; close() flushes and refuses later mutations. A dict destroyed
// with mutations that are not durable reports a lost_write finding: never a silent loss.
//
// Thread ownership: the dict belongs to its executor. A call is accepted inside that executor
// (inside the strand, for a dict opened on a strand of a multi-threaded io_context or
// thread_pool: the way Asio code owns state on a pool), or, between runs, on the thread that
// opened the dict while it runs none of the context's handlers; anything else records a
// wrong_thread finding and throws wrong_thread_error. (Nothing says whether another thread is
// running the context meanwhile, so calls between runs on the opener's thread are trusted.)
//
// One writer per store: open() takes the store's lock (`<path>.lock`, file_system::
// lock_exclusive) and holds it until close() succeeds or the dict and its backups are gone; a
// second opener, in this process or another, gets store_locked_error naming the holder.
//
// Lifetimes: the file_system must outlive the dict and its context's last run; destroy the
// dict before its execution context.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/pdict/mutation.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::pdict {

enum class persistence_mode : std::uint8_t { snapshot, journal };

struct dict_options {
  std::string path;  // absolute snapshot path; the journal is `<path>.journal`
  persistence_mode mode = persistence_mode::snapshot;
  // A backup waits until no mutation came for debounce_ms, but never lets the oldest unsaved
  // mutation wait longer than max_delay_ms. 0: back up at once. flush() skips the wait.
  std::uint32_t debounce_ms = 0;
  std::uint32_t max_delay_ms = 1000;
  // Journal mode: compact once the journal is larger than the snapshot and than this.
  std::uint64_t compact_min_bytes = 64 * 1024;
  on_corrupt corrupt_policy = on_corrupt::fail;
  journal_recovery journal_damage_policy = journal_recovery::fail;
};

struct dict_stats {
  std::uint64_t mutations = 0;          // since open
  std::uint64_t durable_mutations = 0;  // of those, durable
  std::uint64_t writes = 0;             // snapshot replaces and journal appends attempted
  std::uint64_t failed_writes = 0;
  std::uint64_t compactions = 0;
  std::uint64_t bytes_written = 0;      // by successful writes
  std::string last_error;               // the latest backup failure; empty after a success
  recovered_state recovery;             // what open() found
};

class persistent_dict {
 public:
  // Takes the writer lock, loads (recovering as recovery.hpp says) and returns an open dict.
  // Throws store_locked_error when another writer holds the store, vfs::error for I/O errors,
  // corrupt_file_error per options.corrupt_policy and options.journal_damage_policy.
  static asio::awaitable<std::unique_ptr<persistent_dict>> open(asio::any_io_executor ex, vfs::file_system& fs,
                                                                dict_options options);

  // Records lost_write when mutations are not durable (see the header comment).
  ~persistent_dict();
  persistent_dict(const persistent_dict&) = delete;
  persistent_dict& operator=(const persistent_dict&) = delete;

  std::optional<boost::json::value> get(std::string_view key) const;
  bool contains(std::string_view key) const;
  std::size_t size() const;
  std::vector<std::string> keys() const;  // sorted
  const dict_data& data() const;
  boost::json::object to_json() const;    // for dump

  // Mutations throw closed_error once close() began.
  void set(std::string key, boost::json::value value);
  bool erase(std::string_view key);
  void clear();
  void update(mutation m);

  // Completes when every mutation made before the call is durable; throws the backup's error
  // (a vfs::error) otherwise. The dict stays usable after a failure; a later flush retries.
  asio::awaitable<void> flush();
  // Rewrites the snapshot now (journal mode: and starts an empty journal), then flushes.
  // Throws closed_error once close() began.
  asio::awaitable<void> compact();
  // Refuses further mutations and compactions, then flushes; once that succeeded, releases the
  // store's writer lock (the dict stays readable in memory).
  asio::awaitable<void> close();

  dict_stats stats() const;
  const dict_options& options() const;

  // The dict's state, shared with its backup tasks so a task never outlives what it writes.
  struct state;

 private:
  explicit persistent_dict(std::shared_ptr<state> st);
  void check_thread(std::string_view call) const;
  void mutate(mutation m);
  asio::awaitable<void> persist_now();

  std::shared_ptr<state> state_;
  lazy_slot backups_;
};

}  // namespace loopcheck::pdict
