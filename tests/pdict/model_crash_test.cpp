// Model-based property test: random operation sequences against a std::map model, then every
// crash point of the recorded workload (crash_enumerator) is recovered. The recovered dict
// must equal the model after some prefix of the mutations no older than the last flush
// acknowledged before the crash: never older, never a state that did not exist.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <ostream>
#include <rapidcheck.h>

#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/vfs/crash_enumerator.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;
using pdict::persistence_mode;

namespace {

enum class step_kind { set, erase, clear, flush };

struct step {
  step_kind kind = step_kind::set;
  int key = 0;
  int value = 0;
};

// RapidCheck prints a failing sequence with this.
void showValue(const step& s, std::ostream& out) {
  static const char* const names[] = {"set", "erase", "clear", "flush"};
  out << names[static_cast<int>(s.kind)] << "(k" << s.key << ", " << s.value << ")";
}

// Bounded so every case (workload plus all crash states) runs in milliseconds.
constexpr int max_steps = 24;
constexpr int key_space = 4;

rc::Gen<step> step_gen() {
  return rc::gen::build<step>(
      rc::gen::set(&step::kind, rc::gen::weightedElement<step_kind>(
                                    {{6, step_kind::set}, {2, step_kind::erase}, {1, step_kind::clear}, {3, step_kind::flush}})),
      rc::gen::set(&step::key, rc::gen::inRange(0, key_space)), rc::gen::set(&step::value, rc::gen::inRange(0, 100)));
}

using model = std::map<std::string, int>;

json::object to_json(const model& m) {
  json::object object;
  for (const auto& [key, value] : m) object.emplace(key, value);
  return object;
}

struct recorded_run {
  std::vector<json::object> states;  // states[k]: the model after k mutations
  // (log size when the flush returned, mutations it covers), in order.
  std::vector<std::pair<std::size_t, std::size_t>> acknowledged;
};

recorded_run run_workload(vfs::sim_vfs& fs, persistence_mode mode, const std::vector<step>& steps) {
  recorded_run run;
  model m;
  run.states.push_back(to_json(m));
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto options = options_for(mode);
    options.compact_min_bytes = 0;  // compact often: exercise the snapshot + journal switch
    auto d = co_await pdict::persistent_dict::open(ex, fs, options);
    for (const auto& s : steps) {
      const std::string key = "k" + std::to_string(s.key);
      switch (s.kind) {
        case step_kind::set: d->set(key, s.value); m[key] = s.value; break;
        case step_kind::erase: d->update(pdict::mutation().erase(key)); m.erase(key); break;
        case step_kind::clear: d->clear(); m.clear(); break;
        case step_kind::flush: {
          const std::size_t covered = run.states.size() - 1;
          co_await d->flush();
          run.acknowledged.emplace_back(fs.log().size(), covered);
          continue;
        }
      }
      run.states.push_back(to_json(m));
      // Let backups interleave with mutations, as a real program's loop would.
      if (s.value % 3 == 0) co_await asio::post(ex, asio::use_awaitable);
    }
    co_await d->close();
    run.acknowledged.emplace_back(fs.log().size(), run.states.size() - 1);
  });
  return run;
}

std::optional<std::string> check_recovery(vfs::sim_vfs& crashed, const vfs::crash_case& where, persistence_mode mode,
                                          const recorded_run& run) {
  std::size_t oldest_allowed = 0;
  for (const auto& [log_size, covered] : run.acknowledged) {
    if (log_size <= where.crash_point) oldest_allowed = covered;
  }
  json::object recovered;
  run_on_sim([&](asio::any_io_executor ex) -> asio::awaitable<void> {
    auto d = co_await pdict::persistent_dict::open(ex, crashed, options_for(mode));
    recovered = d->to_json();
    co_await d->close();
  });
  for (std::size_t k = run.states.size(); k-- > oldest_allowed;) {
    if (run.states[k] == recovered) return std::nullopt;
  }
  return "recovered " + json::serialize(recovered) + " is no model state from mutation " +
         std::to_string(oldest_allowed) + " on (of " + std::to_string(run.states.size() - 1) + ")";
}

bool property_holds(persistence_mode mode) {
  // RapidCheck reads RC_PARAMS on first use: a fixed seed and bounded counts unless overridden.
  ::setenv("RC_PARAMS", "seed=20261126 max_success=25 max_size=24", 0);
  return rc::check(std::string("crash recovery, ") + name_of(mode), [mode] {
    const auto steps = *rc::gen::resize(max_steps, rc::gen::container<std::vector<step>>(step_gen()));
    vfs::sim_vfs fs(tree_with_dict_file(), {});
    const recorded_run run = run_workload(fs, mode, steps);
    const auto report = vfs::enumerate_crash_states(
        fs, {.max_states_per_point = 4, .seed = 7},
        [&](vfs::sim_vfs& crashed, const vfs::crash_case& where) { return check_recovery(crashed, where, mode, run); });
    RC_ASSERT(report.states_checked > 0u);
    if (report.states_failed != 0) RC_FAIL(report.summary());
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_and_crashes)

BOOST_AUTO_TEST_CASE(snapshot_mode_recovers_an_acknowledged_state_at_every_crash_point) {
  BOOST_TEST(property_holds(persistence_mode::snapshot));
}

BOOST_AUTO_TEST_CASE(journal_mode_recovers_an_acknowledged_state_at_every_crash_point) {
  BOOST_TEST(property_holds(persistence_mode::journal));
}

BOOST_AUTO_TEST_CASE(the_model_check_catches_a_lost_acknowledged_flush) {
  // The checker itself must be able to fail: a crash state that drops everything after an
  // acknowledged flush is rejected.
  vfs::sim_vfs fs(tree_with_dict_file(), {});
  const recorded_run run = run_workload(fs, persistence_mode::snapshot, {{step_kind::set, 1, 5}, {step_kind::flush}});
  vfs::sim_vfs empty(tree_with_dict_file(), {});
  const vfs::crash_case after_everything{fs.log().size(), 0, {}, "end"};
  BOOST_TEST(check_recovery(empty, after_everything, persistence_mode::snapshot, run).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
