// Damaged journal records (fail / point_in_time), the writer lock, and the golden store files
// of format version 1.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/fault_sweep.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;
using loopcheck::finding_kind;
using pdict::persistence_mode;

namespace {

const std::string journal_path = dict_path + ".journal";

// A journal-mode store whose journal holds five records, one append (and flush) each.
vfs::file_tree store_with_five_appends() {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    for (int i = 1; i <= 5; ++i) {
      d->set("key" + std::to_string(i), i);
      co_await d->flush();
    }
    co_await d->close();
  });
  return fs.crash_state(fs.log().size(), {vfs::survival::synced_only, 0});
}

// Flips one byte inside the journal's second record; returns its byte offset.
std::uint64_t damage_second_record(vfs::file_tree& tree) {
  std::string bytes = tree.read_file(journal_path);
  std::size_t record_begin = 0;
  for (int line = 0; line < 2; ++line) record_begin = bytes.find('\n', record_begin) + 1;
  bytes[record_begin + 20] = static_cast<char>(bytes[record_begin + 20] ^ 0x01);
  tree.write(tree.resolve(journal_path).node, 0, bytes);
  return record_begin;
}

std::map<std::string, std::string> files_in_data(const vfs::sim_vfs& fs) {
  std::map<std::string, std::string> files;
  for (const auto& name : fs.tree().list_dir("/data")) files[name] = fs.tree().read_file("/data/" + name);
  return files;
}

std::string read_golden(const std::string& name) {
  std::ifstream in(std::string(LOOPCHECK_GOLDEN_DIR) + "/" + name, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "golden file " << name);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recovery_policies)

BOOST_AUTO_TEST_CASE(fail_refuses_a_damaged_journal_names_the_record_and_touches_nothing) {
  vfs::file_tree tree = store_with_five_appends();
  const std::uint64_t offset = damage_second_record(tree);
  vfs::sim_vfs fs(tree, {});
  const auto before = files_in_data(fs);
  loopcheck::scoped_finding_capture findings;
  std::string reason;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    try {
      co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    } catch (const pdict::corrupt_file_error& e) {
      reason = e.reason();
      BOOST_TEST(e.path() == journal_path);
    }
  });
  const std::string expected = "record seq 2 at byte offset " + std::to_string(offset) + " is damaged";
  BOOST_TEST(reason.find(expected) == 0u, reason);
  BOOST_TEST(reason.find("3 committed record(s) of later appends follow it (up to seq 5)") != std::string::npos, reason);
  BOOST_TEST(findings.count(finding_kind::corrupt_file) == 1u);
  BOOST_TEST(findings.count(finding_kind::lost_write) == 0u);
  BOOST_TEST((files_in_data(fs) == before));
  // check_store says the same, read-only.
  pdict::check_report report;
  run_on_sim([&](asio::any_io_executor) -> asio::awaitable<void> { report = co_await pdict::check_store(fs, dict_path); });
  BOOST_TEST(!report.ok);
  BOOST_REQUIRE(report.damage);
  BOOST_TEST(report.damage->seq == 2u);
  BOOST_TEST(report.damage->offset_bytes == offset);
  BOOST_TEST((files_in_data(fs) == before));
}

BOOST_AUTO_TEST_CASE(point_in_time_sets_the_journal_aside_first_and_keeps_the_records_before_the_damage) {
  vfs::file_tree tree = store_with_five_appends();
  damage_second_record(tree);
  vfs::sim_vfs fs(tree, {});
  const std::string damaged = fs.tree().read_file(journal_path);
  loopcheck::scoped_finding_capture findings;
  auto options = options_for(persistence_mode::journal);
  options.journal_damage_policy = pdict::journal_recovery::point_in_time;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    BOOST_TEST(d->to_json() == (json::object{{"key1", 1}}));
    BOOST_TEST(d->stats().recovery.damaged_records_dropped == 4u);
    BOOST_TEST((d->stats().recovery.set_aside_paths == std::vector<std::string>{journal_path + ".corrupt-1"}));
    d->set("after", true);
    co_await d->close();
  });
  BOOST_TEST(fs.tree().read_file(journal_path + ".corrupt-1") == damaged);  // the evidence, byte for byte
  BOOST_TEST(findings.count(finding_kind::corrupt_file) == 1u);
  BOOST_TEST(findings.count(finding_kind::lost_write) == 1u);
  bool named = false;
  for (const auto& f : findings.snapshot()) {
    if (f.kind == finding_kind::lost_write) named = f.message.find("dropped at least 4 committed record(s)") != std::string::npos;
  }
  BOOST_TEST(named);
  // The rewritten store opens under the strict policy with what point-in-time kept.
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    BOOST_TEST(d->to_json() == (json::object{{"after", true}, {"key1", 1}}));
    co_await d->close();
  });
}

BOOST_AUTO_TEST_CASE(point_in_time_touches_nothing_when_the_journal_cannot_be_set_aside) {
  vfs::file_tree tree = store_with_five_appends();
  damage_second_record(tree);
  // Every allocating call fails: the rename that would set the journal aside among them.
  vfs::sim_vfs fs(tree, {.fault = vfs::fault_plan{vfs::fault_kind::enospc, 1, vfs::fault_repeat::from_then_on}});
  const auto before = files_in_data(fs);
  auto options = options_for(persistence_mode::journal);
  options.journal_damage_policy = pdict::journal_recovery::point_in_time;
  bool refused = false;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    try {
      co_await pdict::persistent_dict::open(ex, fs, options);
    } catch (const pdict::corrupt_file_error& e) {
      refused = std::string(e.what()).find("keeping a copy failed") != std::string::npos;
    }
  });
  BOOST_TEST(refused);
  BOOST_TEST((files_in_data(fs) == before));
}

// A failure (or a crash) at any step of a point-in-time open loses nothing more: a later open
// still finds the records before the damage, and the damaged journal survives byte for byte —
// as the journal itself or as its copy.
BOOST_AUTO_TEST_CASE(point_in_time_loses_nothing_more_when_any_step_fails) {
  vfs::file_tree tree = store_with_five_appends();
  damage_second_record(tree);
  const std::string damaged = tree.read_file(journal_path);
  auto options = options_for(persistence_mode::journal);
  options.journal_damage_policy = pdict::journal_recovery::point_in_time;
  const auto result = vfs::sweep_faults(tree, {.kind = vfs::fault_kind::eio}, [&](vfs::sim_vfs& fs, std::size_t fail_at) {
    BOOST_TEST_CONTEXT("eio at operation " << fail_at) {
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        try {
          auto d = co_await pdict::persistent_dict::open(ex, fs, options);
          co_await d->close();
        } catch (const std::exception&) {  // the failure is the point; what it left is checked below
        }
      });
      vfs::sim_vfs rebooted(fs.crash_state(fs.log().size(), {vfs::survival::synced_only, 0}), {});
      bool evidence = false;
      for (const auto& name : rebooted.tree().list_dir("/data")) {
        evidence = evidence || rebooted.tree().read_file("/data/" + name) == damaged;
      }
      BOOST_TEST(evidence);
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto d = co_await pdict::persistent_dict::open(ex, rebooted, options);
        BOOST_TEST(d->to_json() == (json::object{{"key1", 1}}));
        co_await d->close();
      });
    }
  });
  BOOST_TEST(result.completed);
  BOOST_TEST(result.faulted_runs > 5u);
}

// Recovering from a corrupt snapshot leaves its journal without a base; the journal holds
// committed records all the same, so it is set aside with a lost_write finding, not replaced
// by the compaction at open.
BOOST_AUTO_TEST_CASE(the_journal_of_a_set_aside_snapshot_is_set_aside_too) {
  vfs::file_tree tree = store_with_five_appends();
  std::string snapshot = tree.read_file(dict_path);
  snapshot[snapshot.size() / 2] = static_cast<char>(snapshot[snapshot.size() / 2] ^ 0x01);
  tree.write(tree.resolve(dict_path).node, 0, snapshot);
  const std::string journal = tree.read_file(journal_path);
  vfs::sim_vfs fs(tree, {});
  loopcheck::scoped_finding_capture findings;
  auto options = options_for(persistence_mode::journal);
  options.corrupt_policy = pdict::on_corrupt::recover_empty_after_setting_aside;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    BOOST_TEST(d->size() == 0u);
    co_await d->close();
  });
  BOOST_TEST(fs.tree().read_file(journal_path + ".corrupt-1") == journal);
  BOOST_TEST(findings.count(finding_kind::corrupt_file) == 2u);
  BOOST_TEST(findings.count(finding_kind::lost_write) == 1u);
}

BOOST_AUTO_TEST_CASE(damage_in_the_final_append_is_a_torn_tail_with_every_earlier_record_kept) {
  vfs::file_tree tree = store_with_five_appends();
  std::string bytes = tree.read_file(journal_path);
  const std::size_t last_record = bytes.rfind('\n', bytes.size() - 2) + 1;
  bytes[last_record + 20] = static_cast<char>(bytes[last_record + 20] ^ 0x01);
  tree.write(tree.resolve(journal_path).node, 0, bytes);
  vfs::sim_vfs fs(tree, {});
  loopcheck::scoped_finding_capture findings;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    BOOST_TEST(d->size() == 4u);
    BOOST_TEST(d->stats().recovery.torn_tail_bytes == bytes.size() - last_record);
    co_await d->close();
  });
  BOOST_TEST(findings.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_second_writer_is_refused_until_the_first_closes) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto first = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    first->set("a", 1);
    // A live writer's temp file: the refused opener must not remove it as stale.
    co_await fs.create(dict_path + ".tmp-99", vfs::create_mode::exclusive);
    std::string refusal;
    try {
      co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    } catch (const pdict::store_locked_error& e) {
      refusal = e.what();
      BOOST_TEST(e.path() == dict_path);
    }
    BOOST_TEST(refusal.find("'" + dict_path + "' is open for writing elsewhere") != std::string::npos, refusal);
    const vfs::file_stat temp = co_await fs.stat(dict_path + ".tmp-99");
    BOOST_TEST(temp.exists);
    co_await first->close();
    auto second = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    BOOST_TEST(*second->get("a") == json::value(1));
    co_await second->close();
  });
}

BOOST_AUTO_TEST_CASE(a_crash_releases_the_lock) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto crashed_writer = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    crashed_writer->set("a", 1);
    co_await crashed_writer->flush();
    fs.crash(7);
    auto after_reboot = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    BOOST_TEST(*after_reboot->get("a") == json::value(1));
    co_await after_reboot->close();
    crashed_writer.reset();  // its lock is gone with the reboot; releasing it must not release another's
    std::optional<std::string> refused;
    auto third = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    try {
      co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    } catch (const pdict::store_locked_error& e) {
      refused = e.what();
    }
    BOOST_TEST(refused.has_value());
    co_await third->close();
  });
}

BOOST_AUTO_TEST_CASE(golden_version_1_stores_load_and_are_rewritten_in_the_current_format) {
  const json::object expected_snapshot{{"greeting", "hello"},
                                       {"n", 42},
                                       {"nested", {{"list", {1, 2.5, "three", nullptr, true}}, {"unicode", "\u00e9\u4e2d"}}},
                                       {"text", "line\nbreak \"quoted\""}};
  const json::object expected_journal{{"key1", {{"i", 1}}}, {"key3", {{"i", 3}}}, {"key4", {{"i", 4}}}, {"key5", {{"i", 5}}}};
  struct golden_case {
    std::string snapshot_file;
    bool has_journal;
    json::object expected;
  };
  for (const auto& c : {golden_case{"snapshot-v1.json", false, expected_snapshot},
                        golden_case{"journal-v1.json", true, expected_journal}}) {
    BOOST_TEST_CONTEXT(c.snapshot_file) {
      const std::string snapshot_bytes = read_golden(c.snapshot_file);
      vfs::file_tree tree = tree_with_dict_file(&snapshot_bytes);
      if (c.has_journal) {
        const std::string journal_bytes = read_golden(c.snapshot_file + ".journal");
        const auto node = tree.next_inode_id();
        tree.add_inode(node, false);
        tree.link(tree.resolve("/data").node, "dict.json.journal", node);
        tree.write(node, 0, journal_bytes);
      }
      vfs::sim_vfs fs(tree, {});
      const auto mode = c.has_journal ? persistence_mode::journal : persistence_mode::snapshot;
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(mode));
        BOOST_TEST(d->to_json() == c.expected);
        co_await d->compact();
        co_await d->close();
      });
      BOOST_TEST(fs.tree().read_file(dict_path).find("\"version\":2") != std::string::npos);
      if (c.has_journal) {
        BOOST_TEST(pdict::decode_journal(fs.tree().read_file(journal_path)).version == pdict::journal_format_version);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(read_only_access)

namespace {

// Checks the store over and over while `writing`; counts the checks that found it inconsistent.
asio::awaitable<void> check_while_writing(vfs::sim_vfs& fs, const bool& writing, int max_rounds, int& inconsistent) {
  for (int round = 0; writing && round < max_rounds; ++round) {
    const pdict::check_report report = co_await pdict::check_store(fs, dict_path);
    if (!report.ok) {
      ++inconsistent;
      BOOST_TEST_MESSAGE(report.reason);
    }
  }
}

}  // namespace

// A reader takes no lock. While a writer appends and compacts, what it reads must still be a
// consistent store: never "journal newer than the snapshot".
BOOST_AUTO_TEST_CASE(a_reader_without_the_lock_sees_a_consistent_store_while_a_writer_compacts) {
  constexpr int writes = 40;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      vfs::sim_vfs fs(tree_with_dict_file(), {});
      int inconsistent = 0;
      run_on_sim(
          [&](asio::any_io_executor ex) -> asio::awaitable<void> {
            auto options = options_for(persistence_mode::journal);
            options.compact_min_bytes = 0;  // compact whenever the journal outgrows the snapshot
            auto writer = co_await pdict::persistent_dict::open(ex, fs, options);
            bool writing = true;
            loopcheck::task_scope readers(ex, "readers");
            readers.spawn("reader", check_while_writing(fs, writing, 10 * writes, inconsistent));
            for (int i = 0; i < writes; ++i) {
              writer->set("k" + std::to_string(i), i);
              co_await writer->flush();
            }
            writing = false;
            co_await readers.join();
            co_await writer->close();
          },
          seed);
      BOOST_TEST(inconsistent == 0);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
