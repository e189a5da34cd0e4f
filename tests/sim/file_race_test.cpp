// The file-race detector and the happens-before edges it relies on, under every strategy.
// Each edge has a pair of tests: the access before the edge's sender side stays silent; the
// same access moved after it (so the edge no longer orders it) is a file_race in every
// schedule, FIFO included.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/happens_before.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/runtime/serial_queue.hpp"
#include "loopcheck/runtime/task.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
namespace vfs = loopcheck::vfs;
using loopcheck::finding_kind;

namespace {

constexpr std::uint64_t race_seeds_per_strategy = 10;
const std::string file = "/f";

using body_fn = asio::awaitable<void> (*)(asio::any_io_executor, vfs::file_system&);

asio::awaitable<void> write_file(vfs::file_system& fs) { co_await fs.write_at(file, 0, "data"); }

// The file exists before any task touches it; then the body runs as a tracked task.
asio::awaitable<void> root(asio::any_io_executor ex, vfs::file_system& fs, body_fn body) {
  co_await fs.create(file, vfs::create_mode::exclusive);
  co_await body(ex, fs);
}

struct race_count {
  std::size_t races = 0;
  std::string first;  // the first finding, for a failure's message
  std::size_t dropped_accesses = 0;  // the detector's own counters
  std::size_t races_reported = 0;
};

race_count races_in(body_fn body, std::uint64_t seed, sim::strategy_kind strategy,
                    vfs::file_race_detector::options detector = {}) {
  loopcheck::scoped_finding_capture findings;
  race_count count;
  {
    sim::sim_context context(sim_test::options_for(seed, strategy));
    vfs::sim_vfs fs(vfs::sim_vfs::options{.file_races = detector});
    loopcheck::spawn_detached(context.get_executor(), "root", root(context.get_executor(), fs, body));
    context.run();
    count.dropped_accesses = fs.file_races().dropped_accesses();
    count.races_reported = fs.file_races().races_reported();
  }
  for (const auto& f : findings.snapshot()) {
    if (f.kind != finding_kind::file_race) continue;
    if (count.races++ == 0) count.first = loopcheck::format(f);
  }
  return count;
}

// Every schedule of every strategy: a race in all of them, or in none.
void expect_race(body_fn body, bool race) {
  for (auto strategy : sim_test::all_strategies) {
    for (std::uint64_t seed = 0; seed < race_seeds_per_strategy; ++seed) {
      BOOST_TEST_CONTEXT("strategy " << sim::to_string(strategy) << " seed " << seed) {
        const race_count count = races_in(body, seed, strategy);
        if (race) BOOST_TEST(count.races > 0);
        else BOOST_TEST(count.races == 0u, count.first);
      }
    }
  }
}

// --- spawn: the spawner's accesses before the spawn happen before the child's ---------------

asio::awaitable<void> spawn_after_write(asio::any_io_executor ex, vfs::file_system& fs) {
  co_await write_file(fs);
  loopcheck::task_scope scope(ex, "children");
  scope.spawn("child", write_file(fs));
  co_await scope.join();
}

asio::awaitable<void> write_after_spawn(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "children");
  scope.spawn("child", write_file(fs));
  co_await write_file(fs);
  co_await scope.join();
}

// --- a task's end happens before join() returns --------------------------------------------

asio::awaitable<void> write_after_join(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "children");
  scope.spawn("child", write_file(fs));
  co_await scope.join();
  co_await write_file(fs);
}

// Two children of one scope are not ordered with each other.
asio::awaitable<void> sibling_writers(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "children");
  scope.spawn("first", write_file(fs));
  scope.spawn("second", write_file(fs));
  co_await scope.join();
}

// --- lazy_slot: request -> the run that serves it; a run -> the next run; runs -> drain() ---

asio::awaitable<void> request_after_write(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::lazy_slot slot(ex, "backup");
  co_await write_file(fs);
  slot.request([&fs] { return write_file(fs); });
  co_await slot.drain();
}

asio::awaitable<void> write_after_request(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::lazy_slot slot(ex, "backup");
  slot.request([&fs] { return write_file(fs); });
  co_await write_file(fs);
  co_await slot.drain();
}

asio::awaitable<void> slow_write(vfs::file_system& fs) {
  co_await loopcheck::sleep_for(5ms);
  co_await write_file(fs);
}

// The second request waits while the first runs; its run follows the first's end.
asio::awaitable<void> coalesced_runs(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::lazy_slot slot(ex, "backup");
  slot.request([&fs] { return slow_write(fs); });
  slot.request([&fs] { return slow_write(fs); });
  co_await slot.drain();
}

asio::awaitable<void> write_after_drain(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::lazy_slot slot(ex, "backup");
  slot.request([&fs] { return slow_write(fs); });
  co_await slot.drain();
  co_await write_file(fs);
}

// Two slots do not order each other's runs.
asio::awaitable<void> two_slots(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::lazy_slot first(ex, "first");
  loopcheck::lazy_slot second(ex, "second");
  first.request([&fs] { return slow_write(fs); });
  second.request([&fs] { return slow_write(fs); });
  co_await first.drain();
  co_await second.drain();
}

// --- serial_queue: push -> pop; the consumer's end -> drain() -------------------------------

asio::awaitable<void> write_items(vfs::file_system& fs, int) { co_await write_file(fs); }

asio::awaitable<void> push_after_write(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::serial_queue<int> queue(ex, "q", 4, [&fs](int item) { return write_items(fs, item); });
  co_await write_file(fs);
  co_await queue.push(1);
  co_await queue.drain();
  co_await write_file(fs);  // after drain(): ordered after the consumer's writes
}

asio::awaitable<void> write_after_push(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::serial_queue<int> queue(ex, "q", 4, [&fs](int item) { return write_items(fs, item); });
  co_await queue.push(1);
  co_await write_file(fs);
  co_await queue.drain();
}

// --- waiter_list: notify -> the woken waiter's next epoch read ------------------------------

struct signal {
  explicit signal(const asio::any_io_executor& ex) : waiters(ex, "signal") {}
  loopcheck::waiter_list waiters;
  bool set = false;
};

asio::awaitable<void> wait_then_write(signal& s, vfs::file_system& fs) {
  for (int round = 0; round < 100; ++round) {
    const auto seen = s.waiters.epoch();
    if (s.set) break;
    co_await s.waiters.async_wait(seen, asio::use_awaitable);
  }
  co_await write_file(fs);
}

asio::awaitable<void> notify_after_write(asio::any_io_executor ex, vfs::file_system& fs) {
  signal s(ex);
  loopcheck::task_scope scope(ex, "waiters");
  scope.spawn("waiter", wait_then_write(s, fs));
  co_await loopcheck::sleep_for(1ms);
  co_await write_file(fs);
  s.set = true;
  s.waiters.notify_all();
  co_await scope.join();
}

asio::awaitable<void> write_after_notify(asio::any_io_executor ex, vfs::file_system& fs) {
  signal s(ex);
  loopcheck::task_scope scope(ex, "waiters");
  scope.spawn("waiter", wait_then_write(s, fs));
  co_await loopcheck::sleep_for(1ms);
  s.set = true;
  s.waiters.notify_all();
  co_await write_file(fs);
  co_await scope.join();
}

// --- task<T>: awaited in the awaiting task, so in its program order ------------------------

asio::awaitable<int> write_and_return(vfs::file_system& fs) {
  co_await write_file(fs);
  co_return 1;
}

asio::awaitable<void> awaited_task(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task<int> t(ex, "write", write_and_return(fs));
  co_await std::move(t).run();
  co_await write_file(fs);
}

asio::awaitable<void> task_spawned_not_awaited(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task<int> t(ex, "write", write_and_return(fs));
  loopcheck::task_scope scope(ex, "tasks");
  scope.spawn(std::move(t));
  co_await write_file(fs);
  co_await scope.join();
}

// --- ordering_point: an edge the program declares ------------------------------------------

asio::awaitable<void> write_then_release(vfs::file_system& fs, loopcheck::ordering_point& point) {
  co_await write_file(fs);
  point.release();
}

// Ordered in virtual time only (the second sleeps past the first): unordered by happens-before
// unless it acquires what the first released.
asio::awaitable<void> sleep_then_write(vfs::file_system& fs, loopcheck::ordering_point& point, bool acquire) {
  co_await loopcheck::sleep_for(10ms);
  if (acquire) point.acquire();
  co_await write_file(fs);
}

asio::awaitable<void> declared_edge(asio::any_io_executor ex, vfs::file_system& fs, bool acquire) {
  loopcheck::ordering_point point;
  loopcheck::task_scope scope(ex, "tasks");
  scope.spawn("first", write_then_release(fs, point));
  scope.spawn("second", sleep_then_write(fs, point, acquire));
  co_await scope.join();
}

asio::awaitable<void> with_declared_edge(asio::any_io_executor ex, vfs::file_system& fs) {
  co_await declared_edge(ex, fs, true);
}
asio::awaitable<void> without_declared_edge(asio::any_io_executor ex, vfs::file_system& fs) {
  co_await declared_edge(ex, fs, false);
}

// --- what counts as a conflict -------------------------------------------------------------

asio::awaitable<void> read_file_task(vfs::file_system& fs) { (void)co_await fs.read_file(file); }
asio::awaitable<void> write_range(vfs::file_system& fs, std::uint64_t offset_bytes) {
  co_await fs.write_at(file, offset_bytes, "0123");
}
asio::awaitable<void> rename_over(vfs::file_system& fs, std::string from) {
  co_await fs.create(from, vfs::create_mode::exclusive);
  co_await fs.rename(from, file);
}

asio::awaitable<void> concurrent_reads(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "readers");
  scope.spawn("reader", read_file_task(fs));
  scope.spawn("reader", read_file_task(fs));
  co_await scope.join();
}

asio::awaitable<void> read_and_write(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "tasks");
  scope.spawn("reader", read_file_task(fs));
  scope.spawn("writer", write_file(fs));
  co_await scope.join();
}

asio::awaitable<void> disjoint_writes(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "writers");
  scope.spawn("low", write_range(fs, 0));
  scope.spawn("high", write_range(fs, 4));
  co_await scope.join();
}

asio::awaitable<void> overlapping_writes(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "writers");
  scope.spawn("low", write_range(fs, 0));
  scope.spawn("high", write_range(fs, 3));
  co_await scope.join();
}

asio::awaitable<void> renames_over_one_file(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "savers");
  scope.spawn("save-a", rename_over(fs, "/a.tmp"));
  scope.spawn("save-b", rename_over(fs, "/b.tmp"));
  co_await scope.join();
}

asio::awaitable<void> many_writes(vfs::file_system& fs) {
  for (int i = 0; i < 50; ++i) co_await write_file(fs);
}

// 50 × 50 conflicting writes from two sites: one finding for the pair.
asio::awaitable<void> repeated_race(asio::any_io_executor ex, vfs::file_system& fs) {
  loopcheck::task_scope scope(ex, "writers");
  scope.spawn("first", many_writes(fs));
  scope.spawn("second", many_writes(fs));
  co_await scope.join();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_race)

BOOST_AUTO_TEST_CASE(spawn_orders_the_spawners_earlier_accesses) { expect_race(spawn_after_write, false); }
BOOST_AUTO_TEST_CASE(an_access_after_the_spawn_races_with_the_child) { expect_race(write_after_spawn, true); }

BOOST_AUTO_TEST_CASE(join_orders_the_tasks_of_the_scope) { expect_race(write_after_join, false); }
BOOST_AUTO_TEST_CASE(tasks_of_one_scope_race_with_each_other) { expect_race(sibling_writers, true); }

BOOST_AUTO_TEST_CASE(a_slot_request_orders_the_requesters_earlier_accesses) { expect_race(request_after_write, false); }
BOOST_AUTO_TEST_CASE(an_access_after_a_slot_request_races_with_its_run) { expect_race(write_after_request, true); }
BOOST_AUTO_TEST_CASE(a_slots_runs_are_ordered_one_after_another) { expect_race(coalesced_runs, false); }
BOOST_AUTO_TEST_CASE(drain_orders_the_slots_runs) { expect_race(write_after_drain, false); }
BOOST_AUTO_TEST_CASE(runs_of_two_slots_race) { expect_race(two_slots, true); }

BOOST_AUTO_TEST_CASE(a_push_orders_the_producers_earlier_accesses_before_the_pop) { expect_race(push_after_write, false); }
BOOST_AUTO_TEST_CASE(an_access_after_a_push_races_with_the_consumer) { expect_race(write_after_push, true); }

BOOST_AUTO_TEST_CASE(notify_orders_the_notifiers_earlier_accesses_before_the_wake) { expect_race(notify_after_write, false); }
BOOST_AUTO_TEST_CASE(an_access_after_notify_races_with_the_woken_task) { expect_race(write_after_notify, true); }

BOOST_AUTO_TEST_CASE(an_awaited_task_is_in_the_awaiters_program_order) { expect_race(awaited_task, false); }
BOOST_AUTO_TEST_CASE(a_spawned_task_races_with_its_spawner) { expect_race(task_spawned_not_awaited, true); }

BOOST_AUTO_TEST_CASE(a_declared_ordering_point_orders_two_tasks) { expect_race(with_declared_edge, false); }
BOOST_AUTO_TEST_CASE(virtual_time_alone_does_not_order_two_tasks) { expect_race(without_declared_edge, true); }

BOOST_AUTO_TEST_CASE(concurrent_reads_do_not_race) { expect_race(concurrent_reads, false); }
BOOST_AUTO_TEST_CASE(a_read_and_a_write_race) { expect_race(read_and_write, true); }
BOOST_AUTO_TEST_CASE(writes_to_disjoint_ranges_do_not_race) { expect_race(disjoint_writes, false); }
BOOST_AUTO_TEST_CASE(writes_to_overlapping_ranges_race) { expect_race(overlapping_writes, true); }
BOOST_AUTO_TEST_CASE(two_renames_over_one_file_race) { expect_race(renames_over_one_file, true); }

BOOST_AUTO_TEST_CASE(a_race_is_reported_once_per_pair_of_sites) {
  const race_count count = races_in(repeated_race, 0, sim::strategy_kind::fifo);
  BOOST_TEST(count.races == 1u, count.first);
  BOOST_TEST(count.first.find("write_at of /f (bytes [0, 4)) races with write_at of bytes [0, 4) by task") !=
                 std::string::npos,
             count.first);
}

// Past max_paths a path is not tracked (the root's /f takes the one place): the siblings'
// race on a second path goes unseen, and every access it skipped is counted.
asio::awaitable<void> siblings_on_a_second_path(asio::any_io_executor ex, vfs::file_system& fs) {
  co_await fs.create("/g", vfs::create_mode::exclusive);
  loopcheck::task_scope scope(ex, "writers");
  scope.spawn("first", fs.write_at("/g", 0, "data"));
  scope.spawn("second", fs.write_at("/g", 0, "data"));
  co_await scope.join();
}

BOOST_AUTO_TEST_CASE(paths_past_the_limit_are_counted_not_tracked) {
  const race_count tracked = races_in(siblings_on_a_second_path, 0, sim::strategy_kind::fifo);
  BOOST_TEST(tracked.races == 1u);
  BOOST_TEST(tracked.races_reported == 1u);
  BOOST_TEST(tracked.dropped_accesses == 0u);
  const race_count limited = races_in(siblings_on_a_second_path, 0, sim::strategy_kind::fifo, {.max_paths = 1});
  BOOST_TEST(limited.races == 0u);
  BOOST_TEST(limited.dropped_accesses == 3u);  // the create and both writes of /g
}

// Past max_accesses_per_path the oldest access of a path is forgotten, and counted.
BOOST_AUTO_TEST_CASE(accesses_past_the_limit_are_counted) {
  const race_count limited = races_in(repeated_race, 0, sim::strategy_kind::fifo, {.max_accesses_per_path = 2});
  BOOST_TEST(limited.races == 1u, limited.first);
  BOOST_TEST(limited.dropped_accesses > 0u);
  BOOST_TEST(races_in(repeated_race, 0, sim::strategy_kind::fifo).dropped_accesses == 0u);
}

BOOST_AUTO_TEST_CASE(the_detector_can_be_turned_off) {
  BOOST_TEST(races_in(sibling_writers, 0, sim::strategy_kind::fifo, {.enabled = false}).races == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
