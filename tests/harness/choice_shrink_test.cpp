// Shrinking the recorded random choices: a failure that needs one fault firing, or one
// scheduling decision, shrinks to a tape of exactly that choice, and the minimal run's replay
// token replays it.
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>

#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/shrink.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/fault_points.hpp"

namespace asio = boost::asio;
namespace harness = loopcheck::harness;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;

namespace {

asio::awaitable<void> yield() { co_await asio::post(asio::use_awaitable); }

// Fails when the fault site "needle.b" fires; "needle.a" is reached as often and is noise.
class fault_needle final : public harness::scenario {
 public:
  std::string_view name() const override { return "test-fault-needle"; }
  std::string_view description() const override { return "fails when needle.b fires"; }
  std::vector<harness::variant_spec> variants() const override { return {{"bug", "", {finding_kind::invariant}}}; }
  harness::run_result run(const harness::run_spec& spec) const override {
    int b_fired = 0;
    harness::scenario_body body = [&](asio::any_io_executor ex) { return probe_sites(ex, b_fired); };
    harness::run_result result = harness::run_on_sim(spec, body);
    if (b_fired > 0) harness::add_finding(result, finding_kind::invariant, "needle.b fired");
    return result;
  }

 private:
  static asio::awaitable<void> probe_sites(asio::any_io_executor ex, int& b_fired) {
    for (int i = 0; i < 40; ++i) {
      sim::buggify(ex, "needle.a");
      if (sim::buggify(ex, "needle.b")) ++b_fired;
      co_await yield();
    }
  }
};

// Fails when task 'b' appends before task 'a' (first in first out runs 'a' first); other
// tasks race alongside and do not matter.
class order_needle final : public harness::scenario {
 public:
  std::string_view name() const override { return "test-order-needle"; }
  std::string_view description() const override { return "fails when b runs before a"; }
  std::vector<harness::variant_spec> variants() const override { return {{"bug", "", {finding_kind::out_of_order}}}; }
  harness::run_result run(const harness::run_spec& spec) const override {
    std::string trace;
    harness::scenario_body body = [&](asio::any_io_executor ex) { return race(ex, trace); };
    harness::run_result result = harness::run_on_sim(spec, body);
    if (trace.find('b') < trace.find('a')) harness::add_finding(result, finding_kind::out_of_order, trace);
    return result;
  }

 private:
  static asio::awaitable<void> append(std::string& trace, char c) {
    co_await yield();
    trace += c;
  }
  static asio::awaitable<void> race(asio::any_io_executor ex, std::string& trace) {
    loopcheck::task_scope scope(ex, "racers");
    for (char c : std::string("axyzb")) scope.spawn(std::string(1, c), append(trace, c));
    co_await scope.join();
  }
};

// The first seed in [0, 500) whose run fails, shrunk.
harness::shrink_result shrink_first_failure(const harness::scenario& family) {
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    harness::run_spec spec{.family = std::string(family.name()), .variant = "bug", .seed = seed};
    const auto outcome = harness::run_scenario(family, spec);
    if (!outcome.findings.empty()) return harness::shrink(family, spec, outcome);
  }
  BOOST_FAIL("no seed in [0, 500) fails");
  return {};
}

// The shrunk failure's only tape, once it is shown to replay the failure and to be needed: the
// same run on an empty tape (first in first out, no faults) passes.
sim::choice_tape only_tape(const harness::scenario& family, const harness::shrink_result& shrunk) {
  BOOST_REQUIRE(shrunk.minimal.choices.has_value());
  BOOST_REQUIRE(shrunk.minimal.choices->size() == 1u);
  BOOST_TEST(!harness::run_scenario(family, shrunk.minimal).findings.empty());
  auto plain = shrunk.minimal;
  plain.choices = std::vector<sim::choice_tape>{sim::choice_tape{}};
  BOOST_TEST(harness::run_scenario(family, plain).findings.empty());
  return shrunk.minimal.choices->front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(harness_choice_shrinking)

BOOST_AUTO_TEST_CASE(a_failure_that_needs_one_fault_firing_shrinks_to_that_firing) {
  const fault_needle family;
  const auto tape = only_tape(family, shrink_first_failure(family));
  BOOST_TEST(tape.schedule.empty());
  BOOST_REQUIRE(tape.faults.size() == 1u);
  BOOST_TEST(tape.faults.front().site == "needle.b");
}

BOOST_AUTO_TEST_CASE(a_failure_that_needs_one_scheduling_choice_shrinks_to_that_choice) {
  const order_needle family;
  const auto tape = only_tape(family, shrink_first_failure(family));
  BOOST_TEST(tape.faults.empty());
  BOOST_TEST(tape.schedule.size() == 1u, sim::to_string(tape));
}

BOOST_AUTO_TEST_CASE(a_minimal_token_with_choices_parses_back_and_replays_the_failure) {
  const auto* family = harness::scenario_registry::instance().find("ordered-saves");
  BOOST_REQUIRE(family != nullptr);
  harness::run_spec spec{.family = "ordered-saves", .variant = "task-per-save", .seed = 0};
  std::string error;
  BOOST_REQUIRE(harness::resolve_options(*family, {}, spec.options, error));
  const auto outcome = harness::run_scenario(*family, spec);
  BOOST_REQUIRE(!outcome.findings.empty());
  const auto shrunk = harness::shrink(*family, spec, outcome);
  BOOST_REQUIRE(shrunk.minimal.choices.has_value());
  const std::string token = harness::to_replay_token(shrunk.minimal, *family);
  BOOST_TEST(token.find("/choices:") != std::string::npos);
  const auto parsed = harness::parse_replay_token(token, error);
  BOOST_REQUIRE_MESSAGE(parsed.has_value(), error);
  BOOST_TEST((parsed->choices == shrunk.minimal.choices));
  BOOST_TEST((parsed->options == shrunk.minimal.options));
  const auto replayed = harness::run_scenario(*family, *parsed);
  BOOST_TEST(!replayed.findings.empty());
  BOOST_TEST(replayed.event_hash == shrunk.outcome.event_hash);
}

BOOST_AUTO_TEST_CASE(a_token_with_bad_choices_is_refused) {
  const std::pair<const char*, const char*> cases[] = {
      {"ordered-saves/task-per-save/0/random/sim/choices:s1.0", "needs a positive index"},
      {"ordered-saves/task-per-save/0/random/sim/batches=3/crash_at=1", "is not choices:"},
      {"rapid-turnover/reference/0/random/real/choices:s1.1", "replay only in sim mode"}};
  for (const auto& [token, why] : cases) {
    BOOST_TEST_CONTEXT(token) {
      std::string error;
      BOOST_TEST(!harness::parse_replay_token(token, error).has_value());
      BOOST_TEST(error.find(why) != std::string::npos, error);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
