// Fault injection and the event hook of sim_vfs.
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/fault_sweep.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using vfs::fault_kind;
using vfs::fault_repeat;
using vfs::testing::run_coroutine;

namespace {

const std::string old_file_content = "old";
const std::string new_file_content = "new content";

// Runs the durable replace on `fs`; returns the error it surfaced, if any.
std::optional<vfs::error> replace_and_catch(vfs::sim_vfs& fs) {
  return run_coroutine([&]() -> asio::awaitable<std::optional<vfs::error>> {
    try {
      co_await vfs::testing::durable_replace(fs, "/data", "dict.json", new_file_content);
    } catch (const vfs::error& e) {
      co_return e;
    }
    co_return std::nullopt;
  });
}

int errno_of(fault_kind kind) { return kind == fault_kind::eio ? EIO : ENOSPC; }

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_injection)

BOOST_AUTO_TEST_CASE(every_fault_mode_reaches_the_caller_during_a_sweep) {
  // Eligible operations of the durable replace (create, write, fsync, rename, fsync_dir):
  // all five for eio and enospc, the one write for short_write.
  const std::vector<std::pair<fault_kind, std::size_t>> eligible{
      {fault_kind::eio, 5}, {fault_kind::enospc, 5}, {fault_kind::short_write, 1}};
  for (auto [kind, eligible_operations] : eligible) {
    for (auto repeat : {fault_repeat::once, fault_repeat::from_then_on}) {
      BOOST_TEST_CONTEXT(to_string(kind) << (repeat == fault_repeat::once ? " once" : " from then on")) {
        auto result = vfs::sweep_faults(
            vfs::testing::tree_with_file("data", "dict.json", old_file_content), {.kind = kind, .repeat = repeat},
            [&](vfs::sim_vfs& fs, std::size_t fail_at_operation) {
              std::optional<vfs::error> error = replace_and_catch(fs);
              const std::string content = fs.tree().read_file("/data/dict.json");
              if (fs.faults_injected() == 0) {
                BOOST_TEST(!error);
                BOOST_TEST(content == new_file_content);
                return;
              }
              BOOST_REQUIRE_MESSAGE(error, "fault at operation " << fail_at_operation << " was not surfaced");
              BOOST_TEST(error->errno_value() == errno_of(kind));
              BOOST_TEST(std::string(error->what()).find("injected") != std::string::npos);
              BOOST_TEST(!error->path().empty());
              // The protocol stops at the first error, so the target is never half replaced.
              BOOST_TEST((content == old_file_content || content == new_file_content));
            });
        BOOST_TEST(result.completed);
        BOOST_TEST(result.runs == eligible_operations + 1);
        BOOST_TEST(result.faulted_runs == eligible_operations);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_short_write_persists_part_and_reports_an_error) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "log", ""),
                  {.fault = vfs::fault_plan{.kind = fault_kind::short_write, .fail_at_operation = 2}});
  auto error = run_coroutine([&]() -> asio::awaitable<std::optional<vfs::error>> {
    co_await fs.append("/data/log", "first|");  // eligible write 1: whole
    try {
      co_await fs.append("/data/log", "0123456789");  // eligible write 2: short
    } catch (const vfs::error& e) {
      co_return e;
    }
    co_return std::nullopt;
  });
  BOOST_REQUIRE(error);
  BOOST_TEST(error->errno_value() == ENOSPC);
  BOOST_TEST(error->path() == "/data/log");
  BOOST_TEST(std::string(error->what()).find("5 of 10 bytes written") != std::string::npos, error->what());
  BOOST_TEST(fs.tree().read_file("/data/log") == "first|01234");
  BOOST_TEST(fs.faults_injected() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_operation_changes_nothing) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "a", "x"),
                  {.fault = vfs::fault_plan{.kind = fault_kind::eio, .fail_at_operation = 1}});
  const auto before = fs.tree();
  BOOST_CHECK_THROW(run_coroutine([&]() -> asio::awaitable<void> { co_await fs.rename("/data/a", "/data/b"); }),
                    vfs::error);
  BOOST_TEST((fs.tree() == before));
  BOOST_TEST(fs.log().empty());
}

BOOST_AUTO_TEST_CASE(the_event_hook_sees_each_operation_fault_and_crash) {
  std::vector<std::pair<std::string, std::string>> events;
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "", ""),
                  {.fault = vfs::fault_plan{.kind = fault_kind::eio, .fail_at_operation = 4},
                   .on_event = [&](std::string_view kind, std::string_view detail) {
                     events.emplace_back(kind, detail);
                   }});
  BOOST_CHECK_THROW(run_coroutine([&]() -> asio::awaitable<void> {
                      co_await fs.create("/data/a", vfs::create_mode::exclusive);
                      co_await fs.append("/data/a", "abc");
                      co_await fs.rename("/data/a", "/data/b");
                      co_await fs.read_file("/data/b");
                    }),
                    vfs::error);
  fs.crash(3);
  std::vector<std::string> kinds;
  for (const auto& [kind, detail] : events) kinds.push_back(kind);
  BOOST_TEST((kinds == std::vector<std::string>{"create", "append", "rename", "read_file", "fault", "crash"}));
  BOOST_REQUIRE(events.size() == 6u);
  BOOST_TEST(events[2].second == "/data/a -> /data/b");
  BOOST_TEST(events[4].second.find("injected eio at operation 4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sim_vfs_runs_on_an_executor_that_is_not_an_io_context) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "", ""), {});
  asio::thread_pool pool(1);
  asio::any_io_executor executor = asio::make_strand(pool.get_executor());
  auto done = asio::co_spawn(executor, [&]() -> asio::awaitable<std::string> {
    co_await fs.create("/data/a", vfs::create_mode::exclusive);
    co_await fs.append("/data/a", "on a pool strand");
    co_return co_await fs.read_file("/data/a");
  }, asio::use_future);
  BOOST_TEST(done.get() == "on a pool strand");
  pool.join();
}

BOOST_AUTO_TEST_SUITE_END()
