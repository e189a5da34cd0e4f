// What a failed fsync loses (fsync_failure_profile), and lock_exclusive on both file systems.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using vfs::testing::run_coroutine;

namespace {

// Writes /data/f, fails its first fsync (fsync_eio), then fsyncs again — which succeeds.
// Returns what a crash right afterwards leaves in /data/f under the most generous survival.
std::string after_retried_fsync(vfs::fsync_failure_profile profile, std::string& read_back) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "f", ""),
                  {.fsync_failure = profile, .fault = vfs::fault_plan{.kind = vfs::fault_kind::fsync_eio}});
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.write_at("/data/f", 0, "new data");
    bool failed = false;
    try {
      co_await fs.fsync_file("/data/f");
    } catch (const vfs::error& e) {
      failed = e.errno_value() == EIO;
    }
    BOOST_TEST(failed);
    co_await fs.fsync_file("/data/f");  // the retry: it succeeds
    read_back = co_await fs.read_file("/data/f");
  });
  const vfs::file_tree everything = fs.crash_state(fs.log().size(), {vfs::survival::everything, 0});
  BOOST_TEST(vfs::volatile_operation_count(fs.log(), fs.log().size()) == 0u);
  return everything.read_file("/data/f");
}

std::optional<vfs::error> lock_error(vfs::file_system& fs, const std::string& path) {
  try {
    run_coroutine([&]() -> asio::awaitable<void> { co_await fs.lock_exclusive(path); });
  } catch (const vfs::error& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fsync_failure)

BOOST_AUTO_TEST_CASE(linux_semantics_drop_the_unsynced_writes_and_a_retried_fsync_does_not_bring_them_back) {
  std::string read_back;
  BOOST_TEST(after_retried_fsync(vfs::fsync_failure_profile::drops_unsynced, read_back).empty());
  BOOST_TEST(read_back == "new data");  // the page cache still serves them: the trap
}

BOOST_AUTO_TEST_CASE(the_optimistic_profile_keeps_them_and_the_retry_makes_them_durable) {
  std::string read_back;
  BOOST_TEST(after_retried_fsync(vfs::fsync_failure_profile::keeps_unsynced, read_back) == "new data");
}

BOOST_AUTO_TEST_CASE(only_the_failed_files_writes_are_dropped_and_later_writes_sync_normally) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "f", ""),
                  {.fault = vfs::fault_plan{.kind = vfs::fault_kind::fsync_eio, .fail_at_operation = 2}});
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.create("/data/g", vfs::create_mode::exclusive);
    co_await fs.fsync_dir("/data");
    co_await fs.write_at("/data/g", 0, "other file");
    co_await fs.fsync_file("/data/g");  // fsync 1: fine
    co_await fs.write_at("/data/f", 0, "lost");
    BOOST_CHECK_THROW(co_await fs.fsync_file("/data/f"), vfs::error);  // fsync 2: fails
    co_await fs.write_at("/data/f", 0, "kept");                        // rewritten from memory
    co_await fs.fsync_file("/data/f");
  });
  const vfs::file_tree synced = fs.crash_state(fs.log().size(), {vfs::survival::synced_only, 0});
  BOOST_TEST(synced.read_file("/data/g") == "other file");
  BOOST_TEST(synced.read_file("/data/f") == "kept");
}

BOOST_AUTO_TEST_CASE(fsync_eio_counts_fsync_file_calls_only) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "f", ""),
                  {.fault = vfs::fault_plan{.kind = vfs::fault_kind::fsync_eio, .fail_at_operation = 1}});
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.write_at("/data/f", 0, "x");
    co_await fs.fsync_dir("/data");
    co_await fs.read_file("/data/f");
    BOOST_CHECK_THROW(co_await fs.fsync_file("/data/f"), vfs::error);
  });
  BOOST_TEST(fs.faults_injected() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(file_locks)

BOOST_AUTO_TEST_CASE(sim_lock_is_exclusive_released_on_destruction_and_by_a_crash) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "", ""), {});
  std::unique_ptr<vfs::file_lock> held;
  run_coroutine([&]() -> asio::awaitable<void> { held = co_await fs.lock_exclusive("/data/x.lock"); });
  BOOST_TEST(fs.tree().stat("/data/x.lock").exists);
  const auto refused = lock_error(fs, "/data/x.lock");
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->errno_value() == EWOULDBLOCK);
  BOOST_TEST(refused->detail() == "held by another holder in this simulation");
  held.reset();
  BOOST_TEST(!lock_error(fs, "/data/x.lock"));
  run_coroutine([&]() -> asio::awaitable<void> { held = co_await fs.lock_exclusive("/data/x.lock"); });
  fs.crash(1);
  std::unique_ptr<vfs::file_lock> after_reboot;
  run_coroutine([&]() -> asio::awaitable<void> { after_reboot = co_await fs.lock_exclusive("/data/x.lock"); });
  held.reset();  // the pre-crash holder lets go: the new holder keeps its lock
  BOOST_TEST(lock_error(fs, "/data/x.lock").has_value());
  BOOST_TEST(lock_error(fs, "/missing/x.lock")->errno_value() == ENOENT);
}

BOOST_AUTO_TEST_CASE(posix_lock_conflicts_within_one_process_and_names_the_holder) {
  vfs::testing::temp_directory scratch;
  vfs::posix_vfs fs;
  const std::string path = scratch.file("store.lock");
  std::unique_ptr<vfs::file_lock> held;
  run_coroutine([&]() -> asio::awaitable<void> { held = co_await fs.lock_exclusive(path); });
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  BOOST_TEST(content.str() == "pid " + std::to_string(::getpid()) + "\n");
  const auto refused = lock_error(fs, path);
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->errno_value() == EWOULDBLOCK);
  BOOST_TEST(refused->detail() == "held by pid " + std::to_string(::getpid()));
  held.reset();
  BOOST_TEST(!lock_error(fs, path));
  BOOST_TEST(lock_error(fs, scratch.file("missing/store.lock"))->errno_value() == ENOENT);
}

BOOST_AUTO_TEST_SUITE_END()
