// Rapid turnover (the NiceGUI seed): 1,000 open/mutate/close cycles (200 under a sanitizer) leave
// no leaked or unawaited task and, after every close, a valid file holding the last value.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;
using pdict::persistence_mode;

namespace {

// A sanitizer build checks the same cycle for memory errors and races, not for scale, and runs
// it 30 to 50 times slower (TSan: 100 s for the thousand, the slowest test of CI).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int cycles = 200;
#else
constexpr int cycles = 1000;
#endif

// One cycle: open, mutate a few times, close; returns what check_store says afterwards.
asio::awaitable<pdict::check_report> cycle(asio::any_io_executor ex, vfs::file_system& fs, pdict::dict_options options,
                                           int i) {
  auto d = co_await pdict::persistent_dict::open(ex, fs, options);
  if (d->get("last") != json::value(i - 1) && i > 0) throw std::runtime_error("cycle " + std::to_string(i) + " did not see the previous value");
  d->set("last", i);
  d->set("scratch-" + std::to_string(i % 7), json::array{i, i + 1});
  d->set("last", i);
  co_await d->close();
  co_return co_await pdict::check_store(fs, options.path);
}

asio::awaitable<void> run_cycles(asio::any_io_executor ex, vfs::file_system& fs, pdict::dict_options options,
                                 int& valid_closes) {
  for (int i = 0; i < cycles; ++i) {
    const auto report = co_await cycle(ex, fs, options, i);
    if (report.ok) ++valid_closes;
    else BOOST_TEST(report.ok, "cycle " << i << ": " << report.reason);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(turnover)

BOOST_AUTO_TEST_CASE(rapid_cycles_on_sim_vfs_are_clean) {
  for (auto mode : {persistence_mode::snapshot, persistence_mode::journal}) {
    BOOST_TEST_CONTEXT(name_of(mode)) {
      loopcheck::scoped_finding_capture findings;
      vfs::sim_vfs fs(tree_with_dict_file(), {.max_log_operations = 1'000'000});
      int valid_closes = 0;
      run_on_sim([&](asio::any_io_executor ex) { return run_cycles(ex, fs, options_for(mode), valid_closes); });
      BOOST_TEST(valid_closes == cycles);
      BOOST_TEST(findings.size() == 0u);
      for (const auto& f : findings.snapshot()) BOOST_TEST_MESSAGE(loopcheck::format(f));
    }
  }
}

BOOST_AUTO_TEST_CASE(rapid_cycles_on_posix_vfs_are_clean) {
  for (auto mode : {persistence_mode::snapshot, persistence_mode::journal}) {
    BOOST_TEST_CONTEXT(name_of(mode)) {
      loopcheck::scoped_finding_capture findings;
      const auto dir = memory_temp_directory();
      vfs::posix_vfs fs;
      auto options = options_for(mode);
      options.path = dir.path() + "/dict.json";
      int valid_closes = 0;
      run_on_io([&](asio::any_io_executor ex) { return run_cycles(ex, fs, options, valid_closes); });
      BOOST_TEST(valid_closes == cycles);
      BOOST_TEST(findings.size() == 0u);
      // The file on disk, read without the dict, holds the last value.
      std::ifstream in(options.path, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      const auto snapshot = pdict::decode_snapshot(bytes.str());
      if (mode == persistence_mode::snapshot) BOOST_TEST(snapshot.data.at("last") == json::value(cycles - 1));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
