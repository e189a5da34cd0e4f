// rapid-turnover (seed 000): a test suite opens a persistent dict, changes it and ends the test,
// many times in quick succession, each test's loop ending as soon as the test does.
//   reference              loopcheck's pdict: coalesced backups, awaited on close, durable
//   fire-and-forget        NiceGUI's pattern: every change spawns a detached, debounced backup
//                          that nobody awaits; the test ends with backups pending
//   uncoalesced-backups    a backup task per change, all writing the file in place at once:
//                          overlapping writers tear it or finish out of order
//   write-in-place         one backup per test, rewriting the file in place: the test's end
//                          cuts it off half-written
//   racy-log               the reference store, plus a log line per change written by a task
//                          of its own at the end the log had when it looked: writers overwrite
//                          each other's lines. The final check never reads the log; only the
//                          file-race detector (happens-before) sees it.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/variant_table.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "loopcheck/vfs/temp_directory.hpp"
#include "loopcheck/vfs/read_file_now.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

constexpr std::size_t chunk_bytes = 64;  // naive writers write in chunks, each an I/O call

struct turnover {
  std::int64_t tests;
  std::int64_t changes;
  std::uint32_t debounce_ms;
  std::int64_t test_work_ms;    // what a test does after its changes, while backups run
  std::string root;             // "" on sim_vfs; a temp directory on the real file system
  std::int64_t last_count = 0;  // the value of "_count" after the last change of the last test
  std::string store_dir() const { return root + "/store"; }
  std::string store_path() const { return root + "/store/state.json"; }
};

// Writes `bytes` over the file in place, chunk by chunk, each chunk taking 1 ms of disk time.
asio::awaitable<void> write_in_place(vfs::file_system& fs, std::string path, std::string bytes) {
  co_await fs.create(path, vfs::create_mode::truncate_existing);
  for (std::size_t offset = 0; offset < bytes.size(); offset += chunk_bytes) {
    co_await sleep_for(1ms);
    co_await fs.write_at(path, offset, std::string_view(bytes).substr(offset, chunk_bytes));
  }
}

std::string serialise(const boost::json::object& data) { return boost::json::serialize(data); }

// A NiceGUI-style backup: wait out the debounce, then write what the dict holds then.
asio::awaitable<void> debounced_backup(vfs::file_system& fs, std::string path, const boost::json::object& data) {
  co_await sleep_for(50ms);
  co_await write_in_place(fs, path, serialise(data));
}

boost::json::object change(boost::json::object data, std::int64_t count) {
  data[fmt::format("key-{}", count % 7)] = count;
  data["_count"] = count;
  return data;
}

asio::awaitable<void> reference(asio::any_io_executor ex, vfs::file_system& fs, turnover& t,
                                std::vector<std::unique_ptr<boost::json::object>>&) {
  for (std::int64_t test = 0; test < t.tests; ++test) {
    pdict::dict_options options;
    options.path = t.store_path();
    options.debounce_ms = t.debounce_ms;
    auto dict = co_await pdict::persistent_dict::open(ex, fs, options);
    for (std::int64_t c = 0; c < t.changes; ++c) {
      dict->set(fmt::format("key-{}", t.last_count % 7), boost::json::value(t.last_count + 1));
      dict->set("_count", boost::json::value(++t.last_count));
    }
    co_await sleep_for(std::chrono::milliseconds(t.test_work_ms));
    co_await dict->close();
  }
}

asio::awaitable<void> fire_and_forget(asio::any_io_executor ex, vfs::file_system& fs, turnover& t,
                                      std::vector<std::unique_ptr<boost::json::object>>& snapshots) {
  for (std::int64_t test = 0; test < t.tests; ++test) {
    for (std::int64_t c = 0; c < t.changes; ++c) {
      auto data = std::make_unique<boost::json::object>(change(snapshots.empty() ? boost::json::object() : *snapshots.back(), ++t.last_count));
      spawn_detached(ex, "backup", debounced_backup(fs, t.store_path(), *data));
      snapshots.push_back(std::move(data));
    }
    co_await sleep_for(1ms);  // the test ends long before the debounce does
  }
}

asio::awaitable<void> uncoalesced(asio::any_io_executor ex, vfs::file_system& fs, turnover& t,
                                  std::vector<std::unique_ptr<boost::json::object>>& snapshots) {
  for (std::int64_t test = 0; test < t.tests; ++test) {
    task_scope backups(ex, "backups");
    for (std::int64_t c = 0; c < t.changes; ++c) {
      auto data = std::make_unique<boost::json::object>(change(snapshots.empty() ? boost::json::object() : *snapshots.back(), ++t.last_count));
      backups.spawn("backup", write_in_place(fs, t.store_path(), serialise(*data)));
      snapshots.push_back(std::move(data));
    }
    co_await backups.join();  // awaited: no leak, but the writers overlapped
  }
}

asio::awaitable<void> write_in_place_at_test_end(asio::any_io_executor ex, vfs::file_system& fs, turnover& t,
                                                 std::vector<std::unique_ptr<boost::json::object>>& snapshots) {
  for (std::int64_t test = 0; test < t.tests; ++test) {
    for (std::int64_t c = 0; c < t.changes; ++c) {
      snapshots.push_back(std::make_unique<boost::json::object>(
          change(snapshots.empty() ? boost::json::object() : *snapshots.back(), ++t.last_count)));
    }
    if (test + 1 < t.tests) {
      co_await write_in_place(fs, t.store_path(), serialise(*snapshots.back()));
    } else {
      spawn_detached(ex, "final-backup", write_in_place(fs, t.store_path(), serialise(*snapshots.back())));
      co_await sleep_for(1500us);  // the last test ends one chunk into the write; the process exits
    }
  }
}

std::string log_path(const turnover& t) { return t.root + "/store/backups.log"; }

// Appends by hand: finds the log's end, formats the line, writes it there. Two of these at
// once write at the same end.
asio::awaitable<void> write_log_line(vfs::file_system& fs, std::string path, std::string line) {
  const vfs::file_stat log = co_await fs.stat(path);
  co_await sleep_for(1ms);
  co_await fs.write_at(path, log.size_bytes, line);
}

asio::awaitable<void> racy_log(asio::any_io_executor ex, vfs::file_system& fs, turnover& t,
                               std::vector<std::unique_ptr<boost::json::object>>&) {
  co_await fs.create(log_path(t), vfs::create_mode::open_existing);
  for (std::int64_t test = 0; test < t.tests; ++test) {
    task_scope log_writers(ex, "log-writers");
    pdict::dict_options options;
    options.path = t.store_path();
    options.debounce_ms = t.debounce_ms;
    auto dict = co_await pdict::persistent_dict::open(ex, fs, options);
    for (std::int64_t c = 0; c < t.changes; ++c) {
      dict->set("_count", boost::json::value(++t.last_count));
      log_writers.spawn("log-line", write_log_line(fs, log_path(t), fmt::format("change {}\n", t.last_count)));
    }
    co_await log_writers.join();
    co_await dict->close();
  }
}

asio::awaitable<void> make_store_dir(vfs::file_system& fs, const turnover& t) {
  co_await fs.create_directory(t.store_dir());
  // Named first: g++ 12 destroys a ?: temporary inside a co_await expression twice.
  const std::string parent = t.root.empty() ? "/" : t.root;
  co_await fs.fsync_dir(parent);
}

// One workload per variant: the variant list and the behaviour come from this one table.
struct turnover_variant {
  std::string_view name;
  std::string_view description;
  std::vector<finding_kind> caught_by;
  // Whether the file holds a pdict snapshot (its data under "data") or the bare object.
  bool store_is_pdict;
  asio::awaitable<void> (*workload)(asio::any_io_executor, vfs::file_system&, turnover&,
                                    std::vector<std::unique_ptr<boost::json::object>>&);
};

const std::vector<turnover_variant>& turnover_variants() {
  static const std::vector<turnover_variant> all{
      {"reference", "loopcheck's pdict: coalesced, awaited on close, durable", {}, true, reference},
      {"fire-and-forget", "a detached debounced backup per change, never awaited",
       {finding_kind::leaked_task, finding_kind::lost_write, finding_kind::file_race}, false, fire_and_forget},
      {"uncoalesced-backups", "a backup per change, overlapping writers in place",
       {finding_kind::file_race, finding_kind::corrupt_file, finding_kind::lost_write}, false, uncoalesced},
      {"write-in-place", "the last backup rewrites the file in place as the test ends",
       {finding_kind::corrupt_file, finding_kind::lost_write}, false, write_in_place_at_test_end},
      {"racy-log", "the reference store plus concurrent writers of a log nobody checks",
       {finding_kind::file_race}, true, racy_log},
  };
  return all;
}

const turnover_variant& variant_named(std::string_view name) {
  return harness::variant_named(turnover_variants(), "rapid-turnover", name);
}

class rapid_turnover final : public harness::scenario {
 public:
  std::string_view name() const override { return "rapid-turnover"; }
  std::string_view description() const override {
    return "tests that open, change and drop a persistent dict in quick succession lose nothing (seed 000)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"tests", 5, 1, 1000, "tests run one after another"},
            {"changes", 4, 1, 1000, "changes per test"},
            {"debounce_ms", 0, 0, 60'000, "the reference dict's backup debounce"},
            {"test_work_ms", 0, 0, 60'000, "the reference: time each test works after its changes"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return harness::variant_specs(turnover_variants());
  }

  std::vector<harness::run_mode> modes() const override { return {harness::run_mode::sim, harness::run_mode::real}; }

  run_result run(const run_spec& spec) const override {
    turnover t{spec.option("tests"), spec.option("changes"), static_cast<std::uint32_t>(spec.option("debounce_ms")),
               spec.option("test_work_ms"), {}};
    if (spec.mode == harness::run_mode::real) return run_real(spec, t);
    std::unique_ptr<vfs::sim_vfs> fs;
    std::vector<std::unique_ptr<boost::json::object>> snapshots;  // outlive the backups that read them
    harness::sim_limits limits;
    // The test process exits as soon as the last test ends.
    limits.program_exit_after_body = std::chrono::nanoseconds(0);
    harness::scenario_body body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      auto& context = static_cast<sim::sim_context&>(asio::query(ex, asio::execution::context));
      fs = std::make_unique<vfs::sim_vfs>(vfs::sim_vfs::options{.on_event = sim::file_event_hook(context)});
      return run_variant(ex, spec.variant, *fs, t, snapshots);
    };
    run_result result = harness::run_on_sim(spec, body, limits);
    if (fs) check_file(*fs, t, spec.variant, result);
    return result;
  }

 private:
  // The same code on a real io_context and file system, in a temp directory removed after.
  static run_result run_real(const run_spec& spec, turnover& t) {
    const vfs::temp_directory root("loopcheck-turnover");
    t.root = root.path();
    vfs::posix_vfs fs;
    std::vector<std::unique_ptr<boost::json::object>> snapshots;
    harness::scenario_body body = [&](asio::any_io_executor ex) { return run_variant(ex, spec.variant, fs, t, snapshots); };
    run_result result = harness::run_on_real(spec, body);
    check_file(fs, t, spec.variant, result);
    return result;
  }

  static asio::awaitable<void> run_variant(asio::any_io_executor ex, std::string variant, vfs::file_system& fs, turnover& t,
                                           std::vector<std::unique_ptr<boost::json::object>>& snapshots) {
    co_await make_store_dir(fs, t);
    co_await variant_named(variant).workload(ex, fs, t, snapshots);
  }

  // After the last test the file must hold the last change, whole.
  static void check_file(vfs::file_system& fs, const turnover& t, const std::string& variant, run_result& result) {
    const auto bytes = vfs::read_file_now(fs, t.store_path());
    if (!bytes) {
      harness::add_finding(result, finding_kind::lost_write, fmt::format("the store is missing after {} changes", t.last_count));
      return;
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(*bytes, ec);
    // The reference's file is a pdict snapshot: its data sits under "data".
    const boost::json::object* data = nullptr;
    if (!ec && doc.is_object()) {
      data = &doc.as_object();
      if (variant_named(variant).store_is_pdict) data = data->contains("data") && data->at("data").is_object() ? &data->at("data").as_object() : nullptr;
    }
    if (data == nullptr || !data->contains("_count")) {
      harness::add_finding(result, finding_kind::corrupt_file,
                           fmt::format("the store does not parse as the dict ({} bytes): torn by overlapping or cut-off writes",
                                       bytes->size()));
      return;
    }
    const auto count = data->at("_count").to_number<std::int64_t>();
    if (count != t.last_count) {
      harness::add_finding(result, finding_kind::lost_write,
                           fmt::format("the store holds change {}; the last change was {}", count, t.last_count));
    }
  }
};

LOOPCHECK_REGISTER_SCENARIO(rapid_turnover);

}  // namespace
}  // namespace loopcheck::scenarios
