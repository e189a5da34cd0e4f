// The crash model and its enumerator: naive replace protocols are caught, the durable one never.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <set>
#include <string>

#include "loopcheck/vfs/crash_enumerator.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using vfs::rename_profile;
using vfs::testing::run_coroutine;

namespace {

const std::string directory = "/data";
const std::string name = "dict.json";
const std::string target = directory + "/" + name;
// Both span several 512- and 4096-byte blocks, so a torn write is visible.
const std::string old_content(5000, 'o');
const std::string new_content(9000, 'n');

// Why the target is unacceptable after a crash, or nullopt. Once the workload has returned
// (crash point `returned_at` or later) only the new content is acceptable.
std::optional<std::string> check_target(const vfs::file_tree& tree, std::size_t crash_point, std::size_t returned_at) {
  const vfs::file_stat stat = tree.stat(target);
  if (!stat.exists) return "target missing";
  const std::string content = tree.read_file(target);
  if (content.empty()) return "target empty";
  if (content == new_content) return std::nullopt;
  if (content == old_content) {
    if (crash_point >= returned_at) return "old content after the replace returned: the update was lost";
    return std::nullopt;
  }
  return "target torn (" + std::to_string(content.size()) + " bytes, neither old nor new)";
}

// Records `workload` on a sim_vfs whose durable state holds the old target, then enumerates.
template <typename Workload>
vfs::crash_enumeration_report enumerate(rename_profile profile, Workload workload, std::uint64_t seed = 1) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", name, old_content), {.profile = profile});
  run_coroutine([&]() -> asio::awaitable<void> { co_await workload(fs); });
  const std::size_t returned_at = fs.log().size();
  auto report = vfs::enumerate_crash_states(
      fs, {.max_states_per_point = 8, .seed = seed},
      [&](vfs::sim_vfs& crashed, const vfs::crash_case& where) {
        return check_target(crashed.tree(), where.crash_point, returned_at);
      });
  BOOST_TEST_MESSAGE(to_string(profile) << ": " << report.summary());
  BOOST_TEST(report.states_checked > returned_at);  // every point, several choices where volatile
  return report;
}

bool some_failure_says(const vfs::crash_enumeration_report& report, const std::string& words) {
  for (const auto& failure : report.failures) {
    if (failure.message.find(words) != std::string::npos) return true;
  }
  return false;
}

asio::awaitable<void> replace_durably(vfs::file_system& fs) {
  co_await vfs::testing::durable_replace(fs, directory, name, new_content);
}
asio::awaitable<void> replace_in_place(vfs::file_system& fs) {
  co_await vfs::testing::write_in_place(fs, target, new_content);
}
asio::awaitable<void> replace_by_rename_without_any_fsync(vfs::file_system& fs) {
  co_await vfs::testing::rename_without_fsync(fs, directory, name, new_content);
}
asio::awaitable<void> replace_without_directory_fsync(vfs::file_system& fs) {
  const std::string temp = target + ".tmp";
  co_await fs.create(temp, vfs::create_mode::exclusive);
  co_await fs.write_at(temp, 0, new_content);
  co_await fs.fsync_file(temp);
  co_await fs.rename(temp, target);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_enumeration)

BOOST_AUTO_TEST_CASE(write_in_place_leaves_an_empty_or_torn_file) {
  for (auto profile : {rename_profile::posix_weak, rename_profile::atomic_rename}) {
    auto report = enumerate(profile, replace_in_place);
    BOOST_TEST(report.states_failed > 0u);
    BOOST_TEST(some_failure_says(report, "target empty"));
    BOOST_TEST(some_failure_says(report, "target torn"));
  }
}

BOOST_AUTO_TEST_CASE(a_reported_failure_replays_from_its_crash_point_and_choice) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", name, old_content), {});
  run_coroutine([&]() -> asio::awaitable<void> { co_await replace_in_place(fs); });
  const std::size_t returned_at = fs.log().size();
  auto report = vfs::enumerate_crash_states(fs, {.max_states_per_point = 8, .seed = 7},
                                            [&](vfs::sim_vfs& crashed, const vfs::crash_case& where) {
                                              return check_target(crashed.tree(), where.crash_point, returned_at);
                                            });
  BOOST_REQUIRE(!report.failures.empty());
  for (const auto& failure : report.failures) {
    const auto& where = failure.where;
    BOOST_TEST(where.choice.seed == vfs::nth_crash_choice(7, where.crash_point, where.choice_index).seed);
    const auto replayed = check_target(fs.crash_state(where.crash_point, where.choice), where.crash_point, returned_at);
    BOOST_TEST(replayed.value_or("no violation") == failure.message);
  }
}

BOOST_AUTO_TEST_CASE(rename_without_fsync_is_caught_under_posix_weak_only) {
  auto weak = enumerate(rename_profile::posix_weak, replace_by_rename_without_any_fsync);
  BOOST_TEST(weak.states_failed > 0u);
  BOOST_TEST((some_failure_says(weak, "target empty") || some_failure_says(weak, "target torn")));
  auto atomic = enumerate(rename_profile::atomic_rename, replace_by_rename_without_any_fsync);
  BOOST_TEST(atomic.states_failed == 0u, atomic.summary());
}

BOOST_AUTO_TEST_CASE(posix_weak_can_lose_a_rename_without_directory_fsync) {
  auto weak = enumerate(rename_profile::posix_weak, replace_without_directory_fsync);
  BOOST_TEST(weak.states_failed > 0u);
  BOOST_TEST(some_failure_says(weak, "the update was lost"));
  BOOST_TEST(!some_failure_says(weak, "target empty"));
  BOOST_TEST(!some_failure_says(weak, "target torn"));
  auto atomic = enumerate(rename_profile::atomic_rename, replace_without_directory_fsync);
  BOOST_TEST(atomic.states_failed == 0u, atomic.summary());
}

BOOST_AUTO_TEST_CASE(the_durable_replace_protocol_survives_every_crash) {
  for (auto profile : {rename_profile::posix_weak, rename_profile::atomic_rename}) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      auto report = enumerate(profile, replace_durably, seed);
      BOOST_TEST(report.states_failed == 0u, report.summary());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_torn_append_leaves_a_zero_or_garbage_tail) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", name, old_content), {});
  run_coroutine([&]() -> asio::awaitable<void> { co_await fs.append(target, new_content); });
  bool zero_tail = false;
  bool garbage_tail = false;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    const std::string content = fs.crash_state(seed).read_file(target);
    BOOST_TEST(content.compare(0, old_content.size(), old_content) == 0);  // the old part is synced
    for (std::size_t i = old_content.size(); i < content.size(); ++i) {
      zero_tail |= content[i] == '\0';
      garbage_tail |= content[i] != '\0' && content[i] != 'n';
    }
  }
  BOOST_TEST(zero_tail);
  BOOST_TEST(garbage_tail);
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_crash_state) {
  auto record = [] {
    vfs::sim_vfs fs(vfs::testing::tree_with_file("data", name, old_content), {});
    run_coroutine([&]() -> asio::awaitable<void> {
      co_await replace_in_place(fs);
      co_await fs.append(target, "tail");
    });
    return fs;
  };
  const vfs::sim_vfs first = record();
  const vfs::sim_vfs second = record();
  std::set<std::string> distinct_states;
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    BOOST_TEST((first.crash_state(seed) == second.crash_state(seed)));
    BOOST_TEST((first.crash_state(seed) == first.crash_state(seed)));
    distinct_states.insert(first.crash_state(seed).describe());
  }
  BOOST_TEST(distinct_states.size() > 1u);  // the seed does choose

  vfs::sim_vfs crashed = record();
  crashed.crash(5);
  BOOST_TEST((crashed.tree() == [&] { auto t = first.crash_state(5); t.drop_unreachable(); return t; }()));
  BOOST_TEST(crashed.log().empty());
}

BOOST_AUTO_TEST_SUITE_END()
