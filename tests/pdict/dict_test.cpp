// The dict's contract: synchronous reads and mutations, coalesced asynchronous backups,
// flush/close durability, debounce bounds, journal costs, findings for lost writes and
// wrong threads.
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/finding.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;
using namespace std::chrono_literals;
using loopcheck::finding_kind;
using pdict::persistence_mode;

namespace {

std::size_t count_logged(const vfs::sim_vfs& fs, vfs::operation_kind kind, std::size_t from = 0) {
  std::size_t n = 0;
  for (std::size_t i = from; i < fs.log().size(); ++i) n += fs.log()[i].kind == kind ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dict)

BOOST_AUTO_TEST_CASE(reads_and_mutations_are_synchronous_and_survive_reopen) {
  for (auto mode : {persistence_mode::snapshot, persistence_mode::journal}) {
    BOOST_TEST_CONTEXT(name_of(mode)) {
      vfs::sim_vfs fs(tree_with_dict_file(), {});
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(mode));
        d->set("a", 1);
        d->set("b", "two");
        d->update(pdict::mutation().set("c", json::array{1, 2}).erase("a"));
        BOOST_TEST(!d->contains("a"));
        BOOST_TEST(d->size() == 2u);
        BOOST_TEST((d->keys() == std::vector<std::string>{"b", "c"}));
        BOOST_TEST(d->erase("b"));
        BOOST_TEST(!d->erase("b"));
        co_await d->close();
        BOOST_CHECK_THROW(d->set("late", 1), pdict::closed_error);
        auto again = co_await pdict::persistent_dict::open(ex, fs, options_for(mode));
        BOOST_TEST(again->to_json() == (json::object{{"c", json::array{1, 2}}}));
        BOOST_TEST(*again->get("c") == (json::array{1, 2}));
        BOOST_TEST(!again->get("b"));
        co_await again->close();
      });
    }
  }
}

BOOST_AUTO_TEST_CASE(a_burst_of_100000_sets_costs_a_few_writes) {
  for (auto mode : {persistence_mode::snapshot, persistence_mode::journal}) {
    BOOST_TEST_CONTEXT(name_of(mode)) {
      vfs::sim_vfs fs(tree_with_dict_file(), {.max_log_operations = 1'000'000});
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto options = options_for(mode);
        options.compact_min_bytes = 1 << 30;
        auto d = co_await pdict::persistent_dict::open(ex, fs, options);
        const auto writes_at_open = d->stats().writes;
        for (int i = 0; i < 100'000; ++i) d->set("k" + std::to_string(i % 100), i);
        co_await d->flush();
        const auto stats = d->stats();
        BOOST_TEST(stats.mutations == 100'000u);
        BOOST_TEST(stats.durable_mutations == 100'000u);
        BOOST_TEST(stats.writes - writes_at_open <= 3u);
        co_await d->close();
      });
    }
  }
}

BOOST_AUTO_TEST_CASE(journal_flush_is_one_append_and_one_fsync) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::journal));
    const std::size_t before = fs.log().size();
    d->set("a", 1);
    d->set("b", 2);
    co_await d->flush();
    BOOST_TEST(count_logged(fs, vfs::operation_kind::write, before) == 1u);
    BOOST_TEST(count_logged(fs, vfs::operation_kind::fsync_file, before) == 1u);
    BOOST_TEST(count_logged(fs, vfs::operation_kind::rename, before) == 0u);
    co_await d->close();
  });
  const auto journal = pdict::decode_journal(fs.tree().read_file(dict_path + ".journal"));
  BOOST_TEST(journal.records.size() <= 2u);
  BOOST_TEST(journal.torn_tail_bytes == 0u);
}

BOOST_AUTO_TEST_CASE(the_journal_is_compacted_when_it_outgrows_the_snapshot) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto options = options_for(persistence_mode::journal);
    options.compact_min_bytes = 0;
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    const auto compactions_at_open = d->stats().compactions;
    for (int i = 0; i < 50; ++i) {
      d->set("counter", i);
      co_await d->flush();
    }
    BOOST_TEST(d->stats().compactions > compactions_at_open);
    co_await d->close();
  });
  const auto journal_bytes = fs.tree().read_file(dict_path + ".journal");
  const auto snapshot_bytes = fs.tree().read_file(dict_path);
  BOOST_TEST(journal_bytes.size() <= 2 * snapshot_bytes.size() + 200);
  const auto report = [&] {
    pdict::check_report r;
    run_on_sim([&](asio::any_io_executor) -> asio::awaitable<void> { r = co_await pdict::check_store(fs, dict_path); });
    return r;
  }();
  BOOST_TEST(report.ok, report.reason);
  BOOST_TEST(report.key_count == 1u);
}

BOOST_AUTO_TEST_CASE(debounce_waits_for_quiet_but_never_beyond_max_delay) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto options = options_for(persistence_mode::snapshot);
    options.debounce_ms = 50;
    options.max_delay_ms = 200;
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    // A mutation every 10 ms keeps the debounce from expiring; max_delay_ms forces a write.
    for (int i = 0; i < 15; ++i) {
      d->set("tick", i);
      co_await loopcheck::sleep_for(10ms);
    }
    BOOST_TEST(d->stats().writes == 0u);  // 150 ms: still inside max_delay_ms
    for (int i = 15; i < 30; ++i) {
      d->set("tick", i);
      co_await loopcheck::sleep_for(10ms);
    }
    BOOST_TEST(d->stats().writes >= 1u);  // 300 ms > max_delay_ms
    const auto start = loopcheck::now(ex);
    d->set("tick", 99);
    co_await d->flush();                 // skips the debounce
    BOOST_TEST((loopcheck::now(ex) - start < 50ms));
    co_await d->close();
  });
  BOOST_TEST(pdict::decode_snapshot(fs.tree().read_file(dict_path)).data.at("tick") == json::value(99));
}

BOOST_AUTO_TEST_CASE(nicegui_bug_unflushed_changes_at_destruction_are_a_lost_write) {
  loopcheck::scoped_finding_capture findings;
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    d->set("last", "change");
    d.reset();  // the test (and its loop) ends: the backup never completed
    co_return;
  });
  BOOST_TEST(findings.count(finding_kind::lost_write) == 1u);
  for (const auto& f : findings.snapshot()) BOOST_TEST_MESSAGE(loopcheck::format(f));
}

BOOST_AUTO_TEST_CASE(flush_or_close_before_destruction_is_silent) {
  for (bool use_close : {false, true}) {
    BOOST_TEST_CONTEXT((use_close ? "close" : "flush")) {
      loopcheck::scoped_finding_capture findings;
      vfs::sim_vfs fs(tree_with_dict_file(), {});
      run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
        auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
        d->set("last", "change");
        if (use_close) co_await d->close();
        else co_await d->flush();
      });
      BOOST_TEST(findings.size() == 0u);
      BOOST_TEST(pdict::decode_snapshot(fs.tree().read_file(dict_path)).data.at("last") == json::value("change"));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_call_from_another_thread_is_a_wrong_thread_finding) {
  loopcheck::scoped_finding_capture findings;
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  asio::io_context ctx;
  std::unique_ptr<pdict::persistent_dict> d;
  auto opening = asio::co_spawn(ctx, pdict::persistent_dict::open(ctx.get_executor(), fs, options_for(persistence_mode::snapshot)),
                                asio::use_future);
  ctx.run();
  d = opening.get();
  d->set("owner", 1);  // the owner thread, between runs: accepted
  bool refused = false;
  std::thread intruder([&] {
    try {
      d->set("intruder", 1);
    } catch (const pdict::wrong_thread_error&) {
      refused = true;
    }
  });
  intruder.join();
  BOOST_TEST(refused);
  BOOST_TEST(!d->contains("intruder"));
  BOOST_TEST(findings.count(finding_kind::wrong_thread) == 1u);
  ctx.restart();
  auto closing = asio::co_spawn(ctx, d->close(), asio::use_future);
  ctx.run();
  closing.get();
  d.reset();
}

// The way Asio code owns state on a pool: a dict opened on a strand of an io_context run by
// two threads. A handler inside the strand may call it; one posted to the io_context outside
// the strand may not, whichever thread runs it (the opener's included).
BOOST_AUTO_TEST_CASE(a_strand_owned_dict_refuses_calls_from_outside_the_strand) {
  loopcheck::scoped_finding_capture findings;
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  asio::io_context ctx;
  const asio::any_io_executor strand = asio::make_strand(ctx);
  auto work = asio::make_work_guard(ctx);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { ctx.run(); });
  auto d = asio::co_spawn(strand, pdict::persistent_dict::open(strand, fs, options_for(persistence_mode::snapshot)),
                          asio::use_future)
               .get();
  constexpr int calls = 16;  // each side, so the outside calls land on both threads
  std::atomic<int> inside_accepted{0};
  std::atomic<int> outside_refused{0};
  for (int i = 0; i < calls; ++i) {
    asio::post(strand, [&, i] {
      d->set(fmt::format("inside-{}", i), i);
      inside_accepted.fetch_add(1);
    });
    asio::post(ctx, [&, i] {
      try {
        d->set(fmt::format("outside-{}", i), i);
      } catch (const pdict::wrong_thread_error&) {
        outside_refused.fetch_add(1);
      }
    });
  }
  asio::co_spawn(strand, d->close(), asio::use_future).get();
  work.reset();
  for (auto& t : threads) t.join();
  BOOST_TEST(inside_accepted.load() == calls);
  BOOST_TEST(outside_refused.load() == calls);
  BOOST_TEST(findings.count(finding_kind::wrong_thread) == static_cast<std::size_t>(calls));
  d.reset();
}

BOOST_AUTO_TEST_CASE(stale_temp_files_are_removed_at_open) {
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    co_await fs.create(dict_path + ".tmp-7", vfs::create_mode::exclusive);
    co_await fs.write_at(dict_path + ".tmp-7", 0, "half a snap");
    co_await fs.create("/data/other.tmp-1", vfs::create_mode::exclusive);
    auto d = co_await pdict::persistent_dict::open(ex, fs, options_for(persistence_mode::snapshot));
    co_await d->close();
  });
  BOOST_TEST(!fs.tree().stat(dict_path + ".tmp-7").exists);
  BOOST_TEST(fs.tree().stat("/data/other.tmp-1").exists);  // not this store's
}

BOOST_AUTO_TEST_SUITE_END()
