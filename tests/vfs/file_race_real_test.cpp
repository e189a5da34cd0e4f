// The file-race detector on posix_vfs and real threads: tasks of one io_context, an io_context
// run by several threads, and the edges that cross threads (loop_thread::submit, run_sync).
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "loopcheck/runtime/loop_thread.hpp"
#include "loopcheck/runtime/run_sync.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "test_support.hpp"

namespace asio = boost::asio;
namespace vfs = loopcheck::vfs;
using loopcheck::finding_kind;

namespace {

asio::awaitable<void> write_file(vfs::file_system& fs, std::string path) { co_await fs.write_at(path, 0, "data"); }

// `count` tasks writing one file: all at once (racing), or each joined before the next.
asio::awaitable<void> writers(vfs::file_system& fs, std::string path, int count, bool one_after_another) {
  auto ex = co_await asio::this_coro::executor;
  if (one_after_another) {
    for (int i = 0; i < count; ++i) {
      loopcheck::task_scope scope(ex, "writer");
      scope.spawn("writer", write_file(fs, path));
      co_await scope.join();
    }
    co_return;
  }
  loopcheck::task_scope scope(ex, "writers");
  for (int i = 0; i < count; ++i) scope.spawn("writer", write_file(fs, path));
  co_await scope.join();
}

// Runs `body` as a tracked task on an io_context run by `threads` threads; returns the
// file_race findings.
template <typename Body>
std::size_t races_on_io_context(int threads, Body body) {
  loopcheck::scoped_finding_capture findings;
  asio::io_context ctx;
  loopcheck::spawn_detached(ctx.get_executor(), "root", body());
  std::vector<std::thread> runners;
  for (int i = 1; i < threads; ++i) runners.emplace_back([&ctx] { ctx.run(); });
  ctx.run();
  for (auto& t : runners) t.join();
  for (const auto& f : findings.snapshot()) BOOST_TEST_MESSAGE(loopcheck::format(f));
  return findings.count(finding_kind::file_race);
}

asio::awaitable<void> make_file(vfs::file_system& fs, std::string path) {
  co_await fs.create(path, vfs::create_mode::exclusive);
}

// One existing file on posix_vfs, in a scratch directory.
struct one_file {
  one_file() { vfs::testing::run_coroutine([&] { return make_file(fs, path); }); }
  vfs::testing::temp_directory dir;
  vfs::posix_vfs fs;
  const std::string path = dir.path() + "/f";
};

}  // namespace

BOOST_AUTO_TEST_SUITE(file_race_real)

BOOST_FIXTURE_TEST_CASE(sibling_tasks_writing_one_file_race_on_posix_vfs, one_file) {
  BOOST_TEST(races_on_io_context(1, [&] { return writers(fs, path, 8, false); }) == 1u);
}

BOOST_FIXTURE_TEST_CASE(joined_tasks_one_after_another_do_not_race_on_posix_vfs, one_file) {
  BOOST_TEST(races_on_io_context(1, [&] { return writers(fs, path, 8, true); }) == 0u);
}

// Many tasks on four threads: the detector's own state is shared across them (TSan checks it).
BOOST_FIXTURE_TEST_CASE(tasks_on_an_io_context_run_by_four_threads, one_file) {
  BOOST_TEST(races_on_io_context(4, [&] { return writers(fs, path, 64, false); }) == 1u);
  BOOST_TEST(races_on_io_context(4, [&] { return writers(fs, path, 16, true); }) == 0u);
}

namespace {

// A task of one loop hands work to a loop_thread. `before`: it writes before submitting.
asio::awaitable<void> submit_to_loop_thread(vfs::file_system& fs, std::string path, bool write_before_submit) {
  loopcheck::loop_thread other("other");
  if (write_before_submit) co_await write_file(fs, path);
  auto done = other.submit("remote-write", write_file(fs, path));
  if (!write_before_submit) co_await write_file(fs, path);
  done.get();  // blocks this loop: fine for a test, and not an ordering edge
}

asio::awaitable<void> run_sync_then_write(vfs::file_system& fs, std::string path, bool through_run_sync) {
  loopcheck::loop_thread other("other");
  if (through_run_sync) {
    loopcheck::run_sync(other.executor(), write_file(fs, path));
  } else {
    other.submit("remote-write", write_file(fs, path)).get();
  }
  co_await write_file(fs, path);
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(submit_orders_the_submitters_earlier_accesses, one_file) {
  BOOST_TEST(races_on_io_context(1, [&] { return submit_to_loop_thread(fs, path, true); }) == 0u);
  BOOST_TEST(races_on_io_context(1, [&] { return submit_to_loop_thread(fs, path, false); }) == 1u);
}

BOOST_FIXTURE_TEST_CASE(run_sync_completion_orders_the_task_before_the_caller, one_file) {
  BOOST_TEST(races_on_io_context(1, [&] { return run_sync_then_write(fs, path, true); }) == 0u);
  // A std::future's get() is outside the runtime: not an edge (docs/runtime.md).
  BOOST_TEST(races_on_io_context(1, [&] { return run_sync_then_write(fs, path, false); }) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
