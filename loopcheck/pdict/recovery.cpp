#include "loopcheck/pdict/recovery.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <variant>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/vfs/error.hpp"

namespace loopcheck::pdict {

namespace {

// What reading one file gave: missing, its bytes, or why it cannot be a store file at all.
struct file_read {
  bool exists = false;
  std::string bytes;
  std::string unreadable_reason;  // e.g. a directory in its place
};

asio::awaitable<file_read> read_store_file(vfs::file_system& fs, const std::string& path) {
  file_read result;
  try {
    result.bytes = co_await fs.read_file(path);
    result.exists = true;
  } catch (const vfs::error& e) {
    if (e.errno_value() == ENOENT) co_return result;
    if (e.errno_value() != EISDIR) throw;
    result.exists = true;
    result.unreadable_reason = "a directory is in its place";
  }
  co_return result;
}

struct store_read {
  file_read snapshot;
  file_read journal;
};

// The journal is read before the snapshot. A writer makes a snapshot durable before the journal
// that extends it, so whatever compactions happen between the two reads, the snapshot read
// second is at least as new as the journal's generation: a reader without the lock (check,
// dump) never sees a journal newer than its snapshot. (Read in the other order, a compaction
// in between pairs an old snapshot with a new journal.)
asio::awaitable<store_read> read_store(vfs::file_system& fs, const store_files& files) {
  store_read read;
  read.journal = co_await read_store_file(fs, files.journal_path());
  read.snapshot = co_await read_store_file(fs, files.snapshot_path());
  co_return read;
}

template <typename Decoded, typename Decoder>
std::variant<Decoded, std::string> decode(const file_read& file, Decoder decoder) {
  if (!file.unreadable_reason.empty()) return file.unreadable_reason;
  try {
    return decoder(file.bytes);
  } catch (const format_error& e) {
    return std::string(e.what());
  }
}

// Sets a damaged file aside, or throws corrupt_file_error leaving it in place when that fails.
asio::awaitable<std::string> set_aside_or_fail(vfs::file_system& fs, store_files& files, const std::string& path,
                                               const std::string& reason, const recovery_reporter& report) {
  std::string aside;
  std::string why_not;
  try {
    aside = co_await files.set_aside(fs, path);
  } catch (const vfs::error& e) {
    why_not = e.what();
  }
  if (aside.empty()) {
    report(finding_kind::corrupt_file,
           fmt::format("'{}' is corrupt ({}); it could not be set aside ({}), so it is left in place and open failed",
                       path, reason, why_not));
    throw corrupt_file_error(path, fmt::format("{}; setting it aside failed: {}", reason, why_not), {});
  }
  co_return aside;
}

// Reports a corrupt file and applies the policy: throws, or sets it aside and returns.
asio::awaitable<void> handle_corrupt(vfs::file_system& fs, store_files& files, const std::string& path,
                                     const std::string& reason, on_corrupt policy, const recovery_reporter& report,
                                     recovered_state& state) {
  if (policy == on_corrupt::fail) {
    report(finding_kind::corrupt_file, fmt::format("'{}' is corrupt ({}); left in place, open failed", path, reason));
    throw corrupt_file_error(path, reason, {});
  }
  const std::string aside = co_await set_aside_or_fail(fs, files, path, reason, report);
  report(finding_kind::corrupt_file, fmt::format("'{}' is corrupt ({}); set aside as '{}'", path, reason, aside));
  state.set_aside_paths.push_back(aside);
  state.needs_rewrite = true;
}

// Committed journal records are damaged: refuse, or keep a durable copy of the journal as
// evidence and keep the records before the damage (the caller replays them). The journal itself
// stays until the compaction at open has made a snapshot holding those records durable: a
// failure or crash before that leaves the store as it was, and the next open finds the same
// damage again.
asio::awaitable<void> handle_damage(vfs::file_system& fs, store_files& files, const journal_damage& damage,
                                    const std::string& journal_bytes, journal_recovery policy,
                                    const recovery_reporter& report, recovered_state& state) {
  const std::string& path = files.journal_path();
  const std::string reason = describe(damage);
  if (policy == journal_recovery::fail) {
    report(finding_kind::corrupt_file, fmt::format("'{}': {}; left in place, open failed", path, reason));
    throw corrupt_file_error(path, reason, {});
  }
  std::string aside;
  try {
    aside = co_await files.keep_copy(fs, path, journal_bytes);
  } catch (const vfs::error& e) {
    report(finding_kind::corrupt_file,
           fmt::format("'{}': {}; no copy could be kept as evidence ({}), so open failed", path, reason, e.what()));
    throw corrupt_file_error(path, fmt::format("{}; keeping a copy failed: {}", reason, e.what()), {});
  }
  report(finding_kind::corrupt_file, fmt::format("'{}': {}; a copy is kept as '{}'", path, reason, aside));
  state.damaged_records_dropped = damage.last_seq_seen - damage.seq + 1;
  report(finding_kind::lost_write,
         fmt::format("point-in-time recovery of '{}' dropped at least {} committed record(s) (seq {} to {}); the "
                     "store opens at seq {}",
                     path, state.damaged_records_dropped, damage.seq, damage.last_seq_seen, damage.seq - 1));
  state.set_aside_paths.push_back(aside);
  state.needs_rewrite = true;
}

}  // namespace

asio::awaitable<recovered_state> recover(vfs::file_system& fs, store_files& files, recovery_policy policy,
                                         recovery_reporter report) {
  recovered_state state;
  const auto [snapshot_file, journal_file] = co_await read_store(fs, files);

  bool have_snapshot = false;
  if (snapshot_file.exists) {
    auto decoded = decode<snapshot>(snapshot_file, decode_snapshot);
    if (auto* loaded = std::get_if<snapshot>(&decoded)) {
      state.data = std::move(loaded->data);
      state.generation = loaded->generation;
      state.snapshot_size_bytes = snapshot_file.bytes.size();
      have_snapshot = true;
    } else {
      co_await handle_corrupt(fs, files, files.snapshot_path(), std::get<std::string>(decoded), policy.corrupt, report,
                              state);
    }
  }
  state.next_generation = state.generation + 1;
  if (!journal_file.exists) co_return state;

  auto decoded = decode<journal_contents>(journal_file, decode_journal);
  auto* journal = std::get_if<journal_contents>(&decoded);
  std::string reason = journal ? std::string() : std::get<std::string>(decoded);
  // Compaction makes the snapshot durable before the journal that extends it, so a newer
  // journal means its snapshot was lost or replaced by an older one.
  if (journal && journal->generation > state.generation && !state.needs_rewrite) {
    reason = fmt::format("journal generation {} is newer than the snapshot's {}{}", journal->generation,
                         state.generation, have_snapshot ? "" : " (no snapshot)");
  }
  // A journal whose snapshot was just set aside has no base; it holds committed records all the
  // same, so it is set aside too, never left for the compaction at open to replace.
  if (reason.empty() && state.needs_rewrite) reason = "it extends a snapshot that was set aside";
  if (!reason.empty()) {
    co_await handle_corrupt(fs, files, files.journal_path(), reason, policy.corrupt, report, state);
    report(finding_kind::lost_write,
           fmt::format("the records of '{}' ({} bytes) were not replayed: the journal is set aside, the store opens "
                       "without them",
                       files.journal_path(), journal_file.bytes.size()));
    co_return state;
  }
  state.next_generation = std::max(state.next_generation, journal->generation + 1);
  // A journal of an older generation was compacted into the snapshot; one extending a snapshot
  // that was set aside has no base any more. Both are replaced by the next compaction.
  if (journal->generation != state.generation || state.needs_rewrite) co_return state;
  if (journal->damage) {
    co_await handle_damage(fs, files, *journal->damage, journal_file.bytes, policy.journal, report, state);
  }
  for (const auto& record : journal->records) apply_mutation(state.data, record);
  state.journal_records_replayed = journal->records.size();
  state.torn_tail_bytes = journal->torn_tail_bytes;
  state.journal_size_bytes = journal->valid_size_bytes;
  state.last_seq = journal->last_seq();
  // An older format is not extended with records of the current one: compaction rewrites it.
  state.journal_appendable =
      journal->torn_tail_bytes == 0 && !journal->damage && journal->version == journal_format_version;
  co_return state;
}

asio::awaitable<check_report> check_store(vfs::file_system& fs, std::string snapshot_path) {
  store_files files(std::move(snapshot_path));
  check_report report;
  dict_data data;
  const auto [snapshot_file, journal_file] = co_await read_store(fs, files);
  if (!snapshot_file.exists && !journal_file.exists) {
    report.reason = "no snapshot and no journal";
    co_return report;
  }
  if (snapshot_file.exists) {
    auto decoded = decode<snapshot>(snapshot_file, decode_snapshot);
    if (auto* reason = std::get_if<std::string>(&decoded)) {
      report.reason = fmt::format("snapshot '{}': {}", files.snapshot_path(), *reason);
      co_return report;
    }
    auto& loaded = std::get<snapshot>(decoded);
    report.generation = loaded.generation;
    data = std::move(loaded.data);
  }
  if (journal_file.exists) {
    auto decoded = decode<journal_contents>(journal_file, decode_journal);
    if (auto* reason = std::get_if<std::string>(&decoded)) {
      report.reason = fmt::format("journal '{}': {}", files.journal_path(), *reason);
      co_return report;
    }
    const auto& journal = std::get<journal_contents>(decoded);
    if (journal.generation > report.generation) {
      report.reason = fmt::format("journal '{}': generation {} is newer than the snapshot's {}", files.journal_path(),
                                  journal.generation, report.generation);
      co_return report;
    }
    if (journal.generation == report.generation) {
      if (journal.damage) {
        report.reason = fmt::format("journal '{}': {}", files.journal_path(), describe(*journal.damage));
        report.damage = journal.damage;
        co_return report;
      }
      for (const auto& record : journal.records) apply_mutation(data, record);
      report.journal_records = journal.records.size();
      report.torn_tail_bytes = journal.torn_tail_bytes;
    }
  }
  report.key_count = data.size();
  report.ok = true;
  co_return report;
}

}  // namespace loopcheck::pdict
