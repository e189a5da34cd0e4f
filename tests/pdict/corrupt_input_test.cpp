// Corrupt inputs are detected, reported and kept: never loaded in part, never overwritten.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <vector>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;
using loopcheck::finding_kind;

namespace {

struct corrupt_case {
  std::string name;
  std::string bytes;  // ignored when as_directory
  bool as_directory = false;
};

std::vector<corrupt_case> corrupt_cases() {
  const std::string valid = pdict::encode_snapshot({{"a", 1}, {"b", "text"}, {"c", json::array{1, 2, 3}}}, 4);
  std::string flipped = valid;
  flipped[valid.find("text")] ^= 0x01;  // still valid JSON: only the checksum sees it
  std::string garbage;
  for (int i = 0; i < 300; ++i) garbage.push_back(static_cast<char>((i * 151 + 7) % 256));
  return {
      {"truncated", valid.substr(0, valid.size() / 2)},
      {"bit-flipped", flipped},
      {"empty", ""},
      {"binary garbage", garbage},
      {"valid JSON of the wrong shape", R"({"users":[{"name":"x"}],"version":1})"},
      {"a JSON array", "[1,2,3]"},
      {"a directory in its place", "", true},
  };
}

// Puts the case at dict_path on a fresh sim_vfs.
vfs::sim_vfs fs_with(const corrupt_case& c) {
  if (!c.as_directory) return vfs::sim_vfs(tree_with_dict_file(&c.bytes), {});
  vfs::file_tree tree = tree_with_dict_file();
  const auto dir = tree.next_inode_id();
  tree.add_inode(dir, true);
  tree.link(tree.resolve("/data").node, "dict.json", dir);
  return vfs::sim_vfs(std::move(tree), {});
}

void expect_kept(const vfs::sim_vfs& fs, const std::string& path, const corrupt_case& c) {
  const auto stat = fs.tree().stat(path);
  BOOST_TEST(stat.exists);
  if (c.as_directory) {
    BOOST_TEST(stat.is_directory);
  } else {
    BOOST_TEST(fs.tree().read_file(path) == c.bytes);  // byte for byte
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corrupt_inputs)

BOOST_AUTO_TEST_CASE(fail_policy_throws_reports_and_leaves_the_file_untouched) {
  for (const auto& c : corrupt_cases()) {
    for (auto mode : {pdict::persistence_mode::snapshot, pdict::persistence_mode::journal}) {
      BOOST_TEST_CONTEXT(c.name << ", " << name_of(mode)) {
        loopcheck::scoped_finding_capture findings;
        vfs::sim_vfs fs = fs_with(c);
        std::string message;
        run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
          try {
            auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(mode));
          } catch (const pdict::corrupt_file_error& e) {
            message = e.what();
            BOOST_TEST(e.set_aside_path().empty());
          }
        });
        BOOST_TEST(!message.empty());
        BOOST_TEST(message.find(dict_path) != std::string::npos, message);
        BOOST_TEST_MESSAGE(message);
        BOOST_TEST(findings.count(finding_kind::corrupt_file) == 1u);
        expect_kept(fs, dict_path, c);
        // Nothing else written: the store's file and the lock file that open() takes first.
        BOOST_TEST((fs.tree().list_dir("/data") == std::vector<std::string>{"dict.json", "dict.json.lock"}));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(recover_policy_sets_the_file_aside_and_starts_empty) {
  for (const auto& c : corrupt_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      loopcheck::scoped_finding_capture findings;
      vfs::sim_vfs fs = fs_with(c);
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto options = options_for(pdict::persistence_mode::snapshot);
        options.corrupt_policy = pdict::on_corrupt::recover_empty_after_setting_aside;
        auto d = co_await pdict::persistent_dict::open(ex, fs, options);
        BOOST_TEST(d->size() == 0u);
        BOOST_TEST((d->stats().recovery.set_aside_paths == std::vector<std::string>{dict_path + ".corrupt-1"}));
        d->set("fresh", true);
        co_await d->close();
      });
      BOOST_TEST(findings.count(finding_kind::corrupt_file) == 1u);
      expect_kept(fs, dict_path + ".corrupt-1", c);
      BOOST_TEST(pdict::decode_snapshot(fs.tree().read_file(dict_path)).data.at("fresh") == json::value(true));
    }
  }
}

BOOST_AUTO_TEST_CASE(check_names_the_reason) {
  for (const auto& c : corrupt_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      vfs::sim_vfs fs = fs_with(c);
      pdict::check_report report;
      run_on_sim([&](asio::any_io_executor) -> asio::awaitable<void> { report = co_await pdict::check_store(fs, dict_path); });
      BOOST_TEST(!report.ok);
      BOOST_TEST(!report.reason.empty());
      BOOST_TEST_MESSAGE(c.name << ": " << report.reason);
      expect_kept(fs, dict_path, c);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_corrupt_journal_falls_back_to_the_snapshot_when_recovering) {
  const std::string snapshot = pdict::encode_snapshot({{"kept", 1}}, 2);
  vfs::file_tree tree = tree_with_dict_file(&snapshot);
  vfs::sim_vfs fs(std::move(tree), {});
  const std::string garbage = "this is not a journal\n";
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    co_await fs.create(dict_path + ".journal", vfs::create_mode::exclusive);
    co_await fs.write_at(dict_path + ".journal", 0, garbage);
    auto options = options_for(pdict::persistence_mode::journal);
    options.corrupt_policy = pdict::on_corrupt::recover_empty_after_setting_aside;
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    BOOST_TEST(d->to_json() == (json::object{{"kept", 1}}));
    co_await d->close();
  });
  BOOST_TEST(fs.tree().read_file(dict_path + ".journal.corrupt-1") == garbage);
}

BOOST_AUTO_TEST_SUITE_END()
