#include "loopcheck/pdict/persistent_dict.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cassert>
#include <fmt/format.h>
#include <stdexcept>
#include <thread>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/pdict/store_files.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck::pdict {

namespace json = boost::json;
using namespace asio::experimental::awaitable_operators;

namespace {

// Each debounce round ends at a deadline that only mutations move, and max_delay_ms caps it;
// this bound only catches a broken clock.
constexpr int max_debounce_rounds = 1'000'000;

}  // namespace

struct persistent_dict::state {
  state(asio::any_io_executor ex, vfs::file_system& file_system, dict_options opts)
      : executor(untracked(ex)),
        fs(file_system),
        options(std::move(opts)),
        files(options.path),
        wake(executor, fmt::format("pdict '{}' flush request", options.path)) {}

  void record_finding(finding_kind kind, std::string message) const {
    auto core = task_registry::of(executor).core();
    core->record(finding{kind, fmt::format("pdict '{}'", options.path), 0, std::source_location::current(),
                         core->now(), std::move(message)});
  }

  const asio::any_io_executor executor;
  vfs::file_system& fs;
  // One writer per store, for the state's whole life (backup tasks share the state).
  std::unique_ptr<vfs::file_lock> writer_lock;
  const dict_options options;
  store_files files;
  std::thread::id owner_thread;

  dict_data data;
  // Mutations are numbered; in journal mode the numbering continues the journal's records.
  std::uint64_t seq_at_open = 0;
  std::uint64_t mutation_seq = 0;
  std::uint64_t durable_seq = 0;
  bool closing = false;

  // What the files hold.
  std::uint64_t next_generation = 1;
  std::uint64_t snapshot_size_bytes = 0;
  std::uint64_t journal_size_bytes = 0;
  // The journal on disk extends the current snapshot and ends cleanly. False after any append
  // error: the file's tail is unknown (and a failed fsync may have dropped pages that a
  // later fsync would report as clean), so it is never appended to again; the next backup
  // compacts into a fresh snapshot and journal instead.
  bool journal_appendable = false;
  std::string pending_records;  // journal mode: encoded mutations after the last append
  std::uint64_t pending_batch_seq = 0;  // the first of them: recovery tells appends apart by it

  // Backup scheduling.
  bool backup_queued = false;
  bool compact_requested = false;
  bool urgent = false;  // a flush waits: skip the debounce
  std::chrono::nanoseconds last_mutation_at{0};
  std::optional<std::chrono::nanoseconds> dirty_since;
  waiter_list wake;

  dict_stats stats;
  std::exception_ptr last_failure;
};

namespace {

using state_ptr = std::shared_ptr<persistent_dict::state>;

}  // namespace

// --- backups (named coroutines: a coroutine lambda's frame would refer to its closure)

namespace {

asio::awaitable<void> wait_for_quiet(state_ptr st) {
  if (st->options.debounce_ms == 0) co_return;
  const std::chrono::nanoseconds debounce = std::chrono::milliseconds(st->options.debounce_ms);
  const std::chrono::nanoseconds max_delay = std::chrono::milliseconds(st->options.max_delay_ms);
  for (int round = 0; round < max_debounce_rounds; ++round) {
    if (st->urgent || !st->dirty_since) co_return;
    const auto now = loopcheck::now(st->executor);
    const auto deadline = std::min(st->last_mutation_at + debounce, *st->dirty_since + max_delay);
    if (now >= deadline) co_return;
    const auto seen = st->wake.epoch();
    co_await (loopcheck::sleep_for(deadline - now) || st->wake.async_wait(seen, asio::use_awaitable));
  }
}

// Writes a snapshot of the current data with a new generation; in journal mode then starts
// an empty journal extending it.
asio::awaitable<void> compact_now(persistent_dict::state& st) {
  st.dirty_since.reset();
  st.urgent = false;
  const std::uint64_t upto = st.mutation_seq;
  const std::uint64_t generation = st.next_generation++;
  const std::string bytes = encode_snapshot(st.data, generation);
  st.pending_records.clear();  // the snapshot holds them
  st.journal_appendable = false;
  ++st.stats.writes;
  co_await st.files.durable_replace(st.fs, st.files.snapshot_path(), bytes);
  st.snapshot_size_bytes = bytes.size();
  st.stats.bytes_written += bytes.size();
  // Durable now: recovery loads this snapshot and ignores the older journal.
  st.durable_seq = std::max(st.durable_seq, upto);
  ++st.stats.compactions;
  if (st.options.mode == persistence_mode::journal) {
    const std::string header = encode_journal_header(generation, upto);
    ++st.stats.writes;
    co_await st.files.durable_replace(st.fs, st.files.journal_path(), header);
    st.journal_size_bytes = header.size();
    st.stats.bytes_written += header.size();
    st.journal_appendable = true;
  }
  st.compact_requested = false;
}

// One append and one fsync of every mutation since the last append.
asio::awaitable<void> append_to_journal(persistent_dict::state& st) {
  st.dirty_since.reset();
  st.urgent = false;
  const std::uint64_t upto = st.mutation_seq;
  const std::string bytes = std::exchange(st.pending_records, {});
  ++st.stats.writes;
  try {
    co_await st.fs.append(st.files.journal_path(), bytes);
    co_await st.fs.fsync_file(st.files.journal_path());
  } catch (...) {
    st.journal_appendable = false;
    throw;
  }
  st.journal_size_bytes += bytes.size();
  st.stats.bytes_written += bytes.size();
  st.durable_seq = upto;
}

asio::awaitable<void> back_up(persistent_dict::state& st) {
  const bool journal = st.options.mode == persistence_mode::journal;
  if (journal && st.journal_appendable && !st.compact_requested && !st.pending_records.empty()) {
    co_await append_to_journal(st);
    if (st.journal_size_bytes <= std::max(st.snapshot_size_bytes, st.options.compact_min_bytes)) co_return;
    st.compact_requested = true;
  }
  if (st.durable_seq >= st.mutation_seq && !st.compact_requested) co_return;
  co_await compact_now(st);
}

asio::awaitable<void> run_backup(state_ptr st) {
  // The task starts inline inside the mutation that requested it (as with co_spawn): yield
  // once, so the rest of the caller's burst of mutations coalesces into this backup.
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  st->backup_queued = false;
  co_await wait_for_quiet(st);
  try {
    co_await back_up(*st);
    st->stats.last_error.clear();
  } catch (const std::exception& e) {
    // Kept for flush() to rethrow; the dict stays usable and the next backup starts afresh.
    st->last_failure = std::current_exception();
    st->stats.last_error = e.what();
    ++st->stats.failed_writes;
  }
}

}  // namespace

// --- open, destroy

persistent_dict::persistent_dict(std::shared_ptr<state> st)
    : state_(std::move(st)), backups_(state_->executor, fmt::format("pdict backup '{}'", state_->options.path)) {}

asio::awaitable<std::unique_ptr<persistent_dict>> persistent_dict::open(asio::any_io_executor ex, vfs::file_system& fs,
                                                                        dict_options options) {
  if (options.max_delay_ms < options.debounce_ms) {
    throw std::invalid_argument(fmt::format("pdict: max_delay_ms ({}) is below debounce_ms ({})", options.max_delay_ms,
                                            options.debounce_ms));
  }
  auto st = std::make_shared<state>(std::move(ex), fs, std::move(options));
  st->owner_thread = std::this_thread::get_id();
  st->writer_lock = co_await st->files.lock_for_writing(fs);
  co_await st->files.remove_stale_temps(fs);
  const recovery_reporter report = [st](finding_kind kind, const std::string& message) {
    st->record_finding(kind, message);
  };
  const recovery_policy policy{st->options.corrupt_policy, st->options.journal_damage_policy};
  recovered_state recovered = co_await recover(fs, st->files, policy, report);
  st->data = std::move(recovered.data);
  recovered.data.clear();  // stats keep the report, not a second copy of the data
  st->next_generation = recovered.next_generation;
  st->snapshot_size_bytes = recovered.snapshot_size_bytes;
  st->journal_size_bytes = recovered.journal_size_bytes;
  const bool journal = st->options.mode == persistence_mode::journal;
  st->journal_appendable = journal && recovered.journal_appendable;
  st->seq_at_open = st->mutation_seq = st->durable_seq = recovered.last_seq;
  // Rewrite what recovery could not leave as is: set-aside files, a torn or stale journal, and
  // (snapshot mode) journal records replayed into memory only.
  const bool rewrite = recovered.needs_rewrite || (journal && !st->journal_appendable) ||
                       (!journal && recovered.journal_records_replayed > 0);
  st->stats.recovery = std::move(recovered);
  if (rewrite) co_await compact_now(*st);
  co_return std::unique_ptr<persistent_dict>(new persistent_dict(std::move(st)));
}

persistent_dict::~persistent_dict() {
  const auto& st = *state_;
  if (st.mutation_seq > st.durable_seq) {
    st.record_finding(finding_kind::lost_write,
                      fmt::format("persistent dict destroyed with {} mutation(s) not durable{}: call flush() or close() "
                                  "before destroying it",
                                  st.mutation_seq - st.durable_seq,
                                  st.stats.last_error.empty() ? "" : " (last backup error: " + st.stats.last_error + ")"));
  }
}

// --- calls

void persistent_dict::check_thread(std::string_view call) const {
  // The owner thread only between runs: a thread running the context outside the dict's
  // executor (a pool thread outside its strand) is never the owner.
  if (running_in_this_thread(state_->executor)) return;
  if (!running_context_in_this_thread(state_->executor) && std::this_thread::get_id() == state_->owner_thread) return;
  const std::string message =
      fmt::format("persistent dict '{}': {}() called from a thread that does not own it (the dict belongs to its "
                  "executor)", state_->options.path, call);
  state_->record_finding(finding_kind::wrong_thread, message);
  throw wrong_thread_error(message);
}

std::optional<json::value> persistent_dict::get(std::string_view key) const {
  check_thread("get");
  const auto found = state_->data.find(key);
  if (found == state_->data.end()) return std::nullopt;
  return found->second;
}

bool persistent_dict::contains(std::string_view key) const {
  check_thread("contains");
  return state_->data.contains(key);
}

std::size_t persistent_dict::size() const {
  check_thread("size");
  return state_->data.size();
}

std::vector<std::string> persistent_dict::keys() const {
  check_thread("keys");
  std::vector<std::string> result;
  result.reserve(state_->data.size());
  for (const auto& entry : state_->data) result.push_back(entry.first);
  return result;
}

const dict_data& persistent_dict::data() const {
  check_thread("data");
  return state_->data;
}

json::object persistent_dict::to_json() const { return pdict::to_json(data()); }

void persistent_dict::set(std::string key, json::value value) { mutate(mutation().set(std::move(key), std::move(value))); }

bool persistent_dict::erase(std::string_view key) {
  if (!contains(key)) return false;
  mutate(mutation().erase(std::string(key)));
  return true;
}

void persistent_dict::clear() { mutate(mutation().clear()); }

void persistent_dict::update(mutation m) { mutate(std::move(m)); }

void persistent_dict::mutate(mutation m) {
  check_thread("update");
  auto& st = *state_;
  if (st.closing) throw closed_error(fmt::format("persistent dict '{}' is closed", st.options.path));
  apply_mutation(st.data, m);
  ++st.mutation_seq;
  ++st.stats.mutations;
  if (st.options.mode == persistence_mode::journal) {
    if (st.pending_records.empty()) st.pending_batch_seq = st.mutation_seq;
    st.pending_records += encode_journal_record(st.mutation_seq, st.pending_batch_seq, m);
  }
  if (st.options.debounce_ms > 0) {
    st.last_mutation_at = loopcheck::now(st.executor);
    if (!st.dirty_since) st.dirty_since = st.last_mutation_at;
  }
  if (!st.backup_queued) {
    st.backup_queued = true;
    backups_.request([s = state_] { return run_backup(s); });
  }
}

asio::awaitable<void> persistent_dict::persist_now() {
  auto st = state_;
  const std::uint64_t target = st->mutation_seq;
  if ((st->durable_seq < target || st->compact_requested) && !st->backup_queued) {
    st->backup_queued = true;
    backups_.request([s = st] { return run_backup(s); });
  }
  if (!backups_.idle()) {
    st->urgent = true;
    st->wake.notify_all();
  }
  co_await backups_.drain();
  if (st->durable_seq >= target && !st->compact_requested) co_return;
  if (st->last_failure) std::rethrow_exception(st->last_failure);
  throw std::logic_error(fmt::format("pdict '{}': a backup ended without making the data durable", st->options.path));
}

asio::awaitable<void> persistent_dict::flush() {
  check_thread("flush");
  co_await persist_now();
}

asio::awaitable<void> persistent_dict::compact() {
  check_thread("compact");
  if (state_->closing) throw closed_error(fmt::format("persistent dict '{}' is closed", state_->options.path));
  state_->compact_requested = true;
  co_await persist_now();
}

asio::awaitable<void> persistent_dict::close() {
  check_thread("close");
  state_->closing = true;
  co_await persist_now();
  // Everything is durable and nothing can write any more: another writer may open the store.
  state_->writer_lock.reset();
}

dict_stats persistent_dict::stats() const {
  check_thread("stats");
  dict_stats copy = state_->stats;
  copy.durable_mutations = state_->durable_seq - state_->seq_at_open;
  return copy;
}

const dict_options& persistent_dict::options() const { return state_->options; }

}  // namespace loopcheck::pdict
