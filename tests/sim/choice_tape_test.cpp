// A run replayed from the choices it recorded is the same run; an edited tape is a simpler
// one; tapes survive their text form (the replay token's).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/choice_tape.hpp"
#include "loopcheck/sim/fault_points.hpp"
#include "sim_test_support.hpp"

namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

asio::awaitable<void> racer(std::string& trace, char name) {
  auto ex = co_await asio::this_coro::executor;
  for (int round = 0; round < 4; ++round) {
    trace += name;
    if (sim::buggify(ex, "racer.pause")) trace += '!';
    co_await sim_test::yield();
  }
}

struct taped_run {
  std::string trace;
  std::uint64_t hash = 0;
  sim::choice_tape taken;
};

taped_run run_racers(const sim::sim_options& options) {
  sim::sim_context context(options);
  taped_run run;
  const auto result = sim_test::run_root(context, [&]() -> asio::awaitable<void> {
    loopcheck::task_scope scope(context.get_executor(), "racers");
    for (char name : {'a', 'b', 'c'}) scope.spawn(std::string(1, name), racer(run.trace, name));
    co_await scope.join();
  });
  BOOST_TEST(result.outcome.status == sim::run_status::completed);
  run.hash = context.hash();
  run.taken = context.choices_taken();
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_choice_tape)

BOOST_AUTO_TEST_CASE(replaying_the_recorded_choices_repeats_the_run) {
  bool saw_schedule_choices = false;
  bool saw_fault_choices = false;
  sim_test::for_each_schedule(60, [&](std::uint64_t seed, sim::strategy_kind strategy) {
    auto options = options_for(seed, strategy);
    const taped_run original = run_racers(options);
    options.replay_choices = original.taken;
    const taped_run replayed = run_racers(options);
    BOOST_TEST(replayed.trace == original.trace);
    BOOST_TEST(replayed.hash == original.hash);
    BOOST_TEST((replayed.taken == original.taken));
    saw_schedule_choices |= !original.taken.schedule.empty();
    saw_fault_choices |= !original.taken.faults.empty();
  });
  BOOST_TEST(saw_schedule_choices);
  BOOST_TEST(saw_fault_choices);
}

BOOST_AUTO_TEST_CASE(an_empty_tape_runs_first_in_first_out_without_faults) {
  // The fifo strategy's order, without the '!' its seed's fault dice may add (a firing does not
  // change the order: the racer does not yield for it).
  std::string fifo_order = run_racers(options_for(0, sim::strategy_kind::fifo)).trace;
  std::erase(fifo_order, '!');
  BOOST_REQUIRE(fifo_order.size() == 12u);  // three racers, four rounds each
  bool some_seed_fires_faults = false;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto options = options_for(seed, sim::strategy_kind::random);
    some_seed_fires_faults |= !run_racers(options).taken.faults.empty();
    options.replay_choices = sim::choice_tape{};
    const taped_run run = run_racers(options);
    BOOST_TEST(run.trace == fifo_order);
    BOOST_TEST(run.taken.empty());
  }
  BOOST_TEST(some_seed_fires_faults);  // the empty tape silenced dice that would have fired
}

BOOST_AUTO_TEST_CASE(a_tape_fires_a_fault_site_exactly_where_it_says) {
  auto options = options_for(3, sim::strategy_kind::random);
  options.replay_choices = sim::choice_tape{{}, {{"racer.pause", 5}}};
  const taped_run run = run_racers(options);
  BOOST_TEST(std::count(run.trace.begin(), run.trace.end(), '!') == 1);
  BOOST_TEST(run.trace.find('!') == 5u);  // after the fifth racer step, first in first out
  BOOST_TEST((run.taken == *options.replay_choices));
}

BOOST_AUTO_TEST_CASE(a_scheduling_choice_beyond_the_ready_handlers_takes_the_newest) {
  auto options = options_for(3, sim::strategy_kind::fifo);
  options.replay_choices = sim::choice_tape{{{4, 99}}, {}};
  const taped_run run = run_racers(options);
  BOOST_REQUIRE(run.taken.schedule.size() == 1u);
  BOOST_TEST(run.taken.schedule.front().step == 4u);
  const std::uint64_t newest = run.taken.schedule.front().index;
  BOOST_TEST(newest < 99u);
  options.replay_choices = run.taken;  // the clamped choice is what replays the run
  BOOST_TEST(run_racers(options).trace == run.trace);
  // One past it clamps back to it: it is the newest ready handler, not just any.
  options.replay_choices = sim::choice_tape{{{4, newest + 1}}, {}};
  BOOST_TEST((run_racers(options).taken == run.taken));
}

BOOST_AUTO_TEST_CASE(a_tape_survives_its_text_form) {
  const sim::choice_tape tape{{{2, 1}, {17, 3}}, {{"pdict.slow-fsync", 4}, {"a_b", 1}}};
  BOOST_TEST(sim::to_string(tape) == "s2.1+s17.3+f4.pdict.slow-fsync+f1.a_b");
  std::string error;
  const auto parsed = sim::parse_choice_tape(sim::to_string(tape), error);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST((*parsed == tape));
  const auto empty = sim::parse_choice_tape("", error);
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->empty());
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_tape_is_refused_with_a_reason) {
  for (const char* bad : {"s1", "s1.0", "s2.1+s1.1", "f0.site", "f1.bad/site", "x1.1", "s1.1+", "s1.-1", "s.1"}) {
    std::string error;
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST(!sim::parse_choice_tape(bad, error).has_value());
      BOOST_TEST(!error.empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
