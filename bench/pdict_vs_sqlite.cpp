// pdict_vs_sqlite: the persistent dict (snapshot and journal mode, io_context + posix_vfs)
// against SQLite (WAL, synchronous=FULL) on the same disk, in one run, in a temp directory
// under /tmp that is removed afterwards.
//
//  * durable single-key upserts per second at 1,000 and 100,000 keys: pdict `set` + `flush()`;
//    SQLite one prepared INSERT OR REPLACE in its own BEGIN/COMMIT. Each round measures at
//    most `max_upserts` upserts or `round_budget` seconds, whichever ends first; rounds
//    alternate between the three stores so machine noise hits all alike; medians reported.
//  * a burst of 100,000 sets then one flush: writes and bytes (the dict's stats; SQLite: one
//    transaction, the bytes its WAL holds after the commit).
//  * load time for 100,000 keys: open of an existing store vs SQLite reading every row into
//    the same in-memory map of parsed JSON values.
//  * concurrent durable writes at 100,000 keys: 64 writers, each acknowledged write its own key.
//    pdict: 64 tasks on the dict's io_context, each `set` then `co_await flush()`; SQLite: 64
//    threads, each with its own connection, each write one BEGIN IMMEDIATE/INSERT OR REPLACE/
//    COMMIT. A measurement is `concurrent_batches` batches, each starting all 64 writes at once
//    and ending when all are acknowledged; rounds alternate between the stores as above.
//
// Last line: `pdict_vs_sqlite journal_ratio=<journal upserts/s ÷ SQLite commits/s at 100,000 keys>
// load_ratio=<journal-mode open time ÷ SQLite read time> concurrent_ratio=<journal durable writes/s
// ÷ SQLite's with 64 concurrent writers>`. load_ratio is a time ratio: lower is better.
//
//   pdict_vs_sqlite [rounds=3] [max_upserts=200] [round_budget_seconds=2] [concurrent_batches=5]
#include <sqlite3.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_args.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/temp_directory.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
namespace pdict = loopcheck::pdict;
using steady = std::chrono::steady_clock;

namespace {

constexpr int small_keys = 1'000;
constexpr int large_keys = 100'000;
constexpr int load_repeats = 5;
constexpr int concurrent_writers = 64;
// Long enough for 63 other writers' commits (an fsync each) on a slow disk: a writer that still
// times out is an error, not a figure.
constexpr int sqlite_busy_timeout_ms = 60'000;

struct settings {
  int rounds = 3;
  int max_upserts = 200;
  double round_budget_seconds = 2.0;
  int concurrent_batches = 5;
};

double seconds_since(steady::time_point start) { return std::chrono::duration<double>(steady::now() - start).count(); }

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string key_name(int i) { return fmt::format("key-{:06}", i); }
json::value value_for(int i, int version) { return json::object{{"n", i}, {"version", version}, {"tag", "payload"}}; }

// On disk: /dev/shm would make fsync free.
struct temp_directory : loopcheck::vfs::temp_directory {
  temp_directory() : loopcheck::vfs::temp_directory("pdict_vs_sqlite") {}
};

// --- SQLite through its C API

struct sqlite_db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct sqlite_stmt_finalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using sqlite_db = std::unique_ptr<sqlite3, sqlite_db_closer>;
using sqlite_stmt = std::unique_ptr<sqlite3_stmt, sqlite_stmt_finalizer>;

void check_sqlite(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db)));
  }
}

void exec(sqlite3* db, const char* sql) { check_sqlite(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }

sqlite_stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  check_sqlite(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), db, sql);
  return sqlite_stmt(stmt);
}

class sqlite_store {
 public:
  explicit sqlite_store(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open(path.c_str(), &db);
    db_.reset(db);
    check_sqlite(rc, db, "open");
    check_sqlite(sqlite3_busy_timeout(db, sqlite_busy_timeout_ms), db, "busy_timeout");
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=FULL");
    exec(db, "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    upsert_ = prepare(db, "INSERT OR REPLACE INTO kv (key, value) VALUES (?1, ?2)");
    // IMMEDIATE takes the write lock at once, so a concurrent writer waits in the busy handler
    // instead of failing when its read snapshot went stale (SQLITE_BUSY_SNAPSHOT).
    begin_ = prepare(db, "BEGIN IMMEDIATE");
    commit_ = prepare(db, "COMMIT");
  }

  void begin() { step(begin_.get(), "BEGIN"); }
  void commit() { step(commit_.get(), "COMMIT"); }
  void upsert(const std::string& key, const json::value& value) {
    const std::string text = json::serialize(value);
    sqlite3_bind_text(upsert_.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert_.get(), 2, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    step(upsert_.get(), "INSERT OR REPLACE");
  }

  pdict::dict_data read_all() {
    auto select = prepare(db_.get(), "SELECT key, value FROM kv");
    pdict::dict_data data;
    int rc = 0;
    while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
      const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0));
      const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 1));
      data.emplace(key, json::parse(value));
    }
    check_sqlite(rc, db_.get(), "SELECT");
    return data;
  }

 private:
  void step(sqlite3_stmt* stmt, const char* what) {
    check_sqlite(sqlite3_step(stmt), db_.get(), what);
    sqlite3_reset(stmt);
  }

  sqlite_db db_;
  sqlite_stmt upsert_;
  sqlite_stmt begin_;
  sqlite_stmt commit_;
};

// --- the three stores behind one interface for the upsert rounds

enum class store_kind { snapshot, journal, sqlite };
constexpr store_kind all_kinds[] = {store_kind::snapshot, store_kind::journal, store_kind::sqlite};

const char* name_of(store_kind kind) {
  switch (kind) {
    case store_kind::snapshot: return "snapshot";
    case store_kind::journal: return "journal";
    case store_kind::sqlite: return "sqlite";
  }
  return "?";
}

pdict::persistence_mode mode_of(store_kind kind) {
  return kind == store_kind::journal ? pdict::persistence_mode::journal : pdict::persistence_mode::snapshot;
}

struct context {
  asio::any_io_executor ex;
  loopcheck::vfs::file_system& fs;
  const temp_directory& dir;
  settings config;
};

std::string store_path(const context& c, store_kind kind, int keys) {
  return c.dir.file(fmt::format("{}-{}.{}", name_of(kind), keys, kind == store_kind::sqlite ? "db" : "json"));
}

asio::awaitable<std::unique_ptr<pdict::persistent_dict>> open_dict(const context& c, store_kind kind, int keys) {
  pdict::dict_options options;
  options.path = store_path(c, kind, keys);
  options.mode = mode_of(kind);
  co_return co_await pdict::persistent_dict::open(c.ex, c.fs, std::move(options));
}

// Creates each store with `keys` keys, durably.
asio::awaitable<void> populate(const context& c, int keys) {
  for (store_kind kind : {store_kind::snapshot, store_kind::journal}) {
    auto dict = co_await open_dict(c, kind, keys);
    for (int i = 0; i < keys; ++i) dict->set(key_name(i), value_for(i, 0));
    co_await dict->close();
  }
  sqlite_store db(store_path(c, store_kind::sqlite, keys));
  db.begin();
  for (int i = 0; i < keys; ++i) db.upsert(key_name(i), value_for(i, 0));
  db.commit();
}

// One round: durable single-key upserts per second on an existing store of `keys` keys.
asio::awaitable<double> upsert_round(const context& c, store_kind kind, int keys, std::mt19937& random) {
  std::uniform_int_distribution<int> pick(0, keys - 1);
  int done = 0;
  steady::time_point start;
  if (kind == store_kind::sqlite) {
    sqlite_store db(store_path(c, kind, keys));
    start = steady::now();
    for (; done < c.config.max_upserts && seconds_since(start) < c.config.round_budget_seconds; ++done) {
      const int i = pick(random);
      db.begin();
      db.upsert(key_name(i), value_for(i, done + 1));
      db.commit();
    }
    co_return done / seconds_since(start);
  }
  auto dict = co_await open_dict(c, kind, keys);
  start = steady::now();
  for (; done < c.config.max_upserts && seconds_since(start) < c.config.round_budget_seconds; ++done) {
    const int i = pick(random);
    dict->set(key_name(i), value_for(i, done + 1));
    co_await dict->flush();
  }
  const double rate = done / seconds_since(start);
  co_await dict->close();
  co_return rate;
}

struct upsert_figures {
  double per_second[3][2] = {};  // [store_kind][0: small_keys, 1: large_keys]: medians

  double vs_sqlite(store_kind kind, int k) const {
    return per_second[static_cast<int>(kind)][k] / per_second[static_cast<int>(store_kind::sqlite)][k];
  }
};

asio::awaitable<upsert_figures> measure_upserts(const context& c) {
  upsert_figures figures;
  std::mt19937 random(42);
  const int key_counts[] = {small_keys, large_keys};
  for (int k = 0; k < 2; ++k) {
    std::vector<double> rates[3];
    for (int round = 0; round < c.config.rounds; ++round) {
      for (store_kind kind : all_kinds) {
        const double rate = co_await upsert_round(c, kind, key_counts[k], random);
        rates[static_cast<int>(kind)].push_back(rate);
      }
    }
    for (store_kind kind : all_kinds) {
      const auto& r = rates[static_cast<int>(kind)];
      figures.per_second[static_cast<int>(kind)][k] = median(r);
      std::printf("upserts keys=%d %-8s %9.1f /s  (median; rounds %s)\n", key_counts[k], name_of(kind), median(r),
                  fmt::format("{:.1f}", fmt::join(r, " ")).c_str());
      std::fflush(stdout);
    }
  }
  co_return figures;
}

// 100,000 sets on a new store, then one flush.
asio::awaitable<void> measure_burst(const context& c) {
  for (store_kind kind : {store_kind::snapshot, store_kind::journal}) {
    pdict::dict_options options;
    options.path = c.dir.file(fmt::format("burst-{}.json", name_of(kind)));
    options.mode = mode_of(kind);
    auto dict = co_await pdict::persistent_dict::open(c.ex, c.fs, std::move(options));
    const auto start = steady::now();
    for (int i = 0; i < large_keys; ++i) dict->set(key_name(i), value_for(i, 1));
    co_await dict->flush();
    const double elapsed = seconds_since(start);
    const auto stats = dict->stats();
    std::printf("burst %d sets + flush: %-8s writes=%llu bytes=%llu time=%.3f s\n", large_keys, name_of(kind),
                static_cast<unsigned long long>(stats.writes), static_cast<unsigned long long>(stats.bytes_written),
                elapsed);
    co_await dict->close();
  }
  const std::string path = c.dir.file("burst-sqlite.db");
  const auto start = steady::now();
  {
    sqlite_store db(path);
    db.begin();
    for (int i = 0; i < large_keys; ++i) db.upsert(key_name(i), value_for(i, 1));
    db.commit();
    std::printf("burst %d sets + flush: sqlite   commits=1 wal_bytes=%llu time=%.3f s\n", large_keys,
                static_cast<unsigned long long>(std::filesystem::file_size(path + "-wal")), seconds_since(start));
  }
  std::fflush(stdout);
}

// Open of an existing 100,000-key store vs SQLite reading every row: median seconds per store.
struct load_figures {
  double seconds[3] = {};  // [store_kind]

  double vs_sqlite(store_kind kind) const {
    return seconds[static_cast<int>(kind)] / seconds[static_cast<int>(store_kind::sqlite)];
  }
};

asio::awaitable<load_figures> measure_load(const context& c) {
  std::vector<double> seconds[3];
  for (int repeat = 0; repeat < load_repeats; ++repeat) {
    for (store_kind kind : all_kinds) {
      std::size_t loaded = 0;
      const auto start = steady::now();
      if (kind == store_kind::sqlite) {
        sqlite_store db(store_path(c, kind, large_keys));
        loaded = db.read_all().size();
      } else {
        auto dict = co_await open_dict(c, kind, large_keys);
        loaded = dict->size();
      }
      seconds[static_cast<int>(kind)].push_back(seconds_since(start));
      if (loaded != static_cast<std::size_t>(large_keys)) throw std::runtime_error("load: wrong key count");
    }
  }
  load_figures figures;
  for (store_kind kind : all_kinds) {
    figures.seconds[static_cast<int>(kind)] = median(seconds[static_cast<int>(kind)]);
    std::printf("load %d keys: %-8s %.1f ms (median of %d)\n", large_keys, name_of(kind),
                1000 * figures.seconds[static_cast<int>(kind)], load_repeats);
  }
  std::fflush(stdout);
  co_return figures;
}

// --- concurrent durable writes

// One writer's acknowledged write: its own key, durable when flush() returns.
asio::awaitable<void> write_and_flush(pdict::persistent_dict& dict, int writer, int batch) {
  dict.set(key_name(writer), value_for(writer, batch));
  co_await dict.flush();
}

// 64 threads with a connection each; a barrier starts every batch for all of them at once and
// ends it when all have committed. Blocks the loop, which has nothing else to run meanwhile.
double sqlite_concurrent_writes_per_second(const context& c) {
  const std::string path = store_path(c, store_kind::sqlite, large_keys);
  const int batches = c.config.concurrent_batches;
  std::barrier batch_edge(concurrent_writers + 1);  // the writers and this thread
  std::vector<std::exception_ptr> failures(concurrent_writers);
  std::vector<std::jthread> writers;
  for (int writer = 0; writer < concurrent_writers; ++writer) {
    writers.emplace_back([&, writer] {
      try {
        sqlite_store db(path);
        batch_edge.arrive_and_wait();  // every connection open: the clock starts
        for (int batch = 0; batch < batches; ++batch) {
          db.begin();
          db.upsert(key_name(writer), value_for(writer, batch + 1));
          db.commit();
          batch_edge.arrive_and_wait();
        }
      } catch (...) {
        // Thrown between arrivals: this counts as this batch's arrival and leaves the later ones.
        failures[writer] = std::current_exception();
        batch_edge.arrive_and_drop();
      }
    });
  }
  batch_edge.arrive_and_wait();
  const auto start = steady::now();
  for (int batch = 0; batch < batches; ++batch) batch_edge.arrive_and_wait();
  const double elapsed = seconds_since(start);
  writers.clear();  // joins
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return concurrent_writers * batches / elapsed;
}

struct concurrent_round_result {
  double writes_per_second = 0;
  double dict_writes_per_batch = 0;  // appends or snapshot replaces; 0 for SQLite
};

asio::awaitable<concurrent_round_result> concurrent_round(const context& c, store_kind kind) {
  if (kind == store_kind::sqlite) co_return concurrent_round_result{sqlite_concurrent_writes_per_second(c), 0};
  const int batches = c.config.concurrent_batches;
  auto dict = co_await open_dict(c, kind, large_keys);
  const std::uint64_t writes_before = dict->stats().writes;
  const auto start = steady::now();
  for (int batch = 0; batch < batches; ++batch) {
    loopcheck::task_scope writers(c.ex, "concurrent writers");
    for (int writer = 0; writer < concurrent_writers; ++writer) {
      writers.spawn("write and flush", write_and_flush(*dict, writer, batch + 1));
    }
    co_await writers.join();
  }
  const concurrent_round_result result{concurrent_writers * batches / seconds_since(start),
                                       static_cast<double>(dict->stats().writes - writes_before) / batches};
  co_await dict->close();
  co_return result;
}

struct concurrent_figures {
  double per_second[3] = {};  // [store_kind]: medians

  double vs_sqlite(store_kind kind) const {
    return per_second[static_cast<int>(kind)] / per_second[static_cast<int>(store_kind::sqlite)];
  }
};

// Durable writes per second with 64 concurrent writers: medians over alternating rounds.
asio::awaitable<concurrent_figures> measure_concurrent(const context& c) {
  std::vector<double> rates[3];
  std::vector<double> dict_writes[3];
  for (int round = 0; round < c.config.rounds; ++round) {
    for (store_kind kind : all_kinds) {
      const auto result = co_await concurrent_round(c, kind);
      rates[static_cast<int>(kind)].push_back(result.writes_per_second);
      dict_writes[static_cast<int>(kind)].push_back(result.dict_writes_per_batch);
    }
  }
  concurrent_figures figures;
  for (store_kind kind : all_kinds) {
    const auto& r = rates[static_cast<int>(kind)];
    figures.per_second[static_cast<int>(kind)] = median(r);
    const std::string writes =
        kind == store_kind::sqlite
            ? fmt::format("{} commits per batch", concurrent_writers)
            : fmt::format("{:.1f} dict writes per batch", median(dict_writes[static_cast<int>(kind)]));
    std::printf("concurrent %d writers x %d batches keys=%d %-8s %9.1f durable writes/s  (median; rounds %s; %s)\n",
                concurrent_writers, c.config.concurrent_batches, large_keys, name_of(kind), median(r),
                fmt::format("{:.1f}", fmt::join(r, " ")).c_str(), writes.c_str());
    std::fflush(stdout);
  }
  co_return figures;
}

asio::awaitable<void> run_all(context c) {
  std::printf("pdict_vs_sqlite: rounds=%d, at most %d upserts or %.1f s per round, SQLite %s (WAL, synchronous=FULL)\n",
              c.config.rounds, c.config.max_upserts, c.config.round_budget_seconds, sqlite3_libversion());
  for (int keys : {small_keys, large_keys}) co_await populate(c, keys);
  const upsert_figures figures = co_await measure_upserts(c);
  co_await measure_burst(c);
  const load_figures load = co_await measure_load(c);
  // Last: its writes would lengthen the journal that the load replays.
  const concurrent_figures concurrent = co_await measure_concurrent(c);
  for (int k = 0; k < 2; ++k) {
    std::printf("ratios at %d keys: snapshot/sqlite=%.3f journal/sqlite=%.3f\n", k == 0 ? small_keys : large_keys,
                figures.vs_sqlite(store_kind::snapshot, k), figures.vs_sqlite(store_kind::journal, k));
  }
  std::printf("ratios load time: snapshot/sqlite=%.3f journal/sqlite=%.3f\n", load.vs_sqlite(store_kind::snapshot),
              load.vs_sqlite(store_kind::journal));
  std::printf("ratios concurrent writes: snapshot/sqlite=%.3f journal/sqlite=%.3f\n",
              concurrent.vs_sqlite(store_kind::snapshot), concurrent.vs_sqlite(store_kind::journal));
  std::printf("pdict_vs_sqlite journal_ratio=%.3f load_ratio=%.3f concurrent_ratio=%.3f\n",
              figures.vs_sqlite(store_kind::journal, 1), load.vs_sqlite(store_kind::journal),
              concurrent.vs_sqlite(store_kind::journal));
}

}  // namespace

int main(int argc, char** argv) {
  settings config;
  CLI::App app{"pdict_vs_sqlite: durable upserts, bursts and loads, the persistent dict against SQLite"};
  app.add_option("rounds", config.rounds, "alternating measurement rounds")->check(CLI::Range(1, 1000));
  app.add_option("max_upserts", config.max_upserts, "upserts per round at most")->check(CLI::Range(1, 10'000'000));
  app.add_option("round_budget_seconds", config.round_budget_seconds, "seconds per round at most")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("concurrent_batches", config.concurrent_batches,
                 "batches of 64 concurrent durable writes per concurrent round")
      ->check(CLI::Range(1, 100'000));
  loopcheck::bench::parse_args(app, argc, argv);
  try {
    const temp_directory dir;
    loopcheck::vfs::posix_vfs fs;  // outlives the context's last run, as the dict requires
    asio::io_context ctx;
    auto done = asio::co_spawn(ctx, run_all(context{ctx.get_executor(), fs, dir, config}), asio::use_future);
    ctx.run();
    done.get();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pdict_vs_sqlite: %s\n", e.what());
    return 3;
  }
  return 0;
}
