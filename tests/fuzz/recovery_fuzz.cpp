// Loading a store (loopcheck/pdict/recovery.hpp) from a snapshot and a journal the fuzzer
// writes: `check_store` gives a verdict, and `recover` under each recovery policy loads or
// throws pdict::corrupt_file_error — never another exception, a crash or an unbounded
// allocation. The recovering policies always load; a store `check_store` calls ok loads under
// the strict one with as many keys as it counted.
//
// Input: the snapshot's bytes, then the line "--- journal ---", then the journal's bytes. An
// empty part is a missing file; without the line there is no journal.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "checksum_refresh.hpp"
#include "fuzz_contract.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/pdict/store_files.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/file_tree.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"

namespace asio = boost::asio;
namespace pdict = loopcheck::pdict;
namespace vfs = loopcheck::vfs;
using loopcheck_fuzz::require;

namespace {

constexpr std::string_view journal_separator = "--- journal ---\n";
const std::string snapshot_path = "/data/dict.json";

struct store_bytes {
  std::string snapshot;  // empty: no file
  std::string journal;   // empty: no file
};

vfs::file_tree tree_with(const store_bytes& store) {
  vfs::file_tree tree;
  const vfs::inode_id dir = tree.next_inode_id();
  tree.add_inode(dir, true);
  tree.link(vfs::file_tree::root_inode, "data", dir);
  const auto add_file = [&](const std::string& name, const std::string& bytes) {
    if (bytes.empty()) return;
    const vfs::inode_id file = tree.next_inode_id();
    tree.add_inode(file, false);
    tree.link(dir, name, file);
    tree.write(file, 0, bytes);
  };
  add_file("dict.json", store.snapshot);
  add_file("dict.json.journal", store.journal);
  return tree;
}

// Runs `body` as the root coroutine of a fresh simulated context; rethrows what it threw.
void run_on_sim(asio::awaitable<void> body) {
  loopcheck::sim::sim_context sim;
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(sim.get_executor(), std::move(body), [&](std::exception_ptr e) {
    finished = true;
    error = e;
  });
  sim.run();
  if (error) std::rethrow_exception(error);
  require(finished, "the simulated run ended before the load did");
}

asio::awaitable<void> check(vfs::file_system& fs, pdict::check_report& report) {
  report = co_await pdict::check_store(fs, snapshot_path);
}

asio::awaitable<void> recover(vfs::file_system& fs, pdict::recovery_policy policy, pdict::recovered_state& state) {
  pdict::store_files files(snapshot_path);
  state = co_await pdict::recover(fs, files, policy, [](loopcheck::finding_kind, const std::string&) {});
}

// Whether the store loaded under `policy`; false when it was refused as corrupt.
bool loads(const store_bytes& store, pdict::recovery_policy policy, pdict::recovered_state& state) {
  vfs::sim_vfs fs(tree_with(store), {});
  try {
    run_on_sim(recover(fs, policy, state));
    return true;
  } catch (const pdict::corrupt_file_error&) {
    return false;
  }
}

void load_one(const store_bytes& store) {
  pdict::check_report report;
  {
    vfs::sim_vfs fs(tree_with(store), {});
    run_on_sim(check(fs, report));
  }
  require(report.ok || !report.reason.empty(), "check_store says not ok without a reason");
  for (const auto corrupt : {pdict::on_corrupt::fail, pdict::on_corrupt::recover_empty_after_setting_aside}) {
    for (const auto journal : {pdict::journal_recovery::fail, pdict::journal_recovery::point_in_time}) {
      pdict::recovered_state state;
      const bool loaded = loads(store, {corrupt, journal}, state);
      const bool recovering = corrupt != pdict::on_corrupt::fail && journal != pdict::journal_recovery::fail;
      require(loaded || !recovering, "the recovering policies refused a store");
      if (report.ok && corrupt == pdict::on_corrupt::fail && journal == pdict::journal_recovery::fail) {
        require(loaded && state.data.size() == report.key_count, "a store check_store calls ok does not load the same");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  store_bytes store;
  const auto separator = bytes.find(journal_separator);
  store.snapshot = bytes.substr(0, separator);
  if (separator != std::string_view::npos) store.journal = bytes.substr(separator + journal_separator.size());
  load_one(store);
  load_one({loopcheck_fuzz::refresh_snapshot_checksum(store.snapshot),
            loopcheck_fuzz::refresh_journal_checksums(store.journal)});
  return 0;
}
