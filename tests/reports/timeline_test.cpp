// Traces (docs/reports.md, "Traces"): a recorded run written as Chrome trace-event JSON has the
// structure a viewer needs (trace_structure.hpp), every task of the run, its waits, the spawn
// flows, the file system's operations and each finding as an instant event carrying its text.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>

#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/run_timeline.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/harness/trace_writer.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "trace_structure.hpp"

namespace harness = loopcheck::harness;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

json::value trace_of(const harness::run_timeline& timeline) {
  std::ostringstream out;
  harness::write_trace(out, timeline);
  return json::parse(out.str());
}

std::string problems_of(const loopcheck::test::trace_shape& shape) {
  std::string text;
  for (const auto& p : shape.problems) text += p + "\n";
  return text;
}

loopcheck::asio::awaitable<void> sleeper(std::chrono::nanoseconds duration) { co_await loopcheck::sleep_for(duration); }

// Four tasks besides the root: three sleep and end, one sleeps past the run's one-hour budget
// (a hang, then a leaked task when the context is destroyed).
constexpr std::size_t toy_tasks = 5;
loopcheck::asio::awaitable<void> toy_body(loopcheck::asio::any_io_executor ex) {
  for (int i = 1; i <= 3; ++i) loopcheck::spawn_detached(ex, "sleeper", sleeper(std::chrono::milliseconds(i)));
  loopcheck::spawn_detached(ex, "stuck", sleeper(2h));
  co_await loopcheck::sleep_for(5ms);
}

struct toy_run {
  harness::run_timeline timeline{harness::timeline_clock::virtual_time, "toy"};
  harness::run_result result;
  toy_run() {
    {
      harness::timeline_recording recording(timeline);
      result = harness::run_on_sim(harness::run_spec{.family = "toy", .variant = "four-tasks"}, toy_body);
    }
    timeline.finish(result.findings);
  }
};

// Creates a file on a simulated file system that reports to the run's context, then crashes it.
loopcheck::asio::awaitable<void> create_then_crash(std::unique_ptr<loopcheck::vfs::sim_vfs>& fs,
                                                   loopcheck::asio::any_io_executor ex) {
  auto& context = static_cast<loopcheck::sim::sim_context&>(loopcheck::asio::query(ex, loopcheck::asio::execution::context));
  fs = std::make_unique<loopcheck::vfs::sim_vfs>(
      loopcheck::vfs::sim_vfs::options{.on_event = loopcheck::sim::file_event_hook(context)});
  co_await fs->create("/data", loopcheck::vfs::create_mode::exclusive);
  co_await loopcheck::sleep_for(1ms);
  fs->crash(1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(traces)

BOOST_AUTO_TEST_CASE(a_crash_of_the_simulated_file_system_is_an_instant_event) {
  harness::run_timeline timeline{harness::timeline_clock::virtual_time, "crash"};
  std::unique_ptr<loopcheck::vfs::sim_vfs> fs;
  harness::run_result result;
  {
    harness::timeline_recording recording(timeline);
    result = harness::run_on_sim(harness::run_spec{.family = "toy", .variant = "crash"},
                                 [&](loopcheck::asio::any_io_executor ex) { return create_then_crash(fs, ex); });
  }
  timeline.finish(result.findings);
  const auto trace = trace_of(timeline);
  const auto shape = loopcheck::test::check_trace(trace);
  BOOST_TEST(shape.problems.empty(), problems_of(shape));
  BOOST_TEST(shape.file_operations >= 1u);  // the create
  const auto& events = trace.at("traceEvents").as_array();
  const auto crash = std::find_if(events.begin(), events.end(), [](const json::value& e) {
    return e.at("ph").as_string() == "i" && e.at("cat").as_string() == "crash";
  });
  BOOST_REQUIRE(crash != events.end());
  BOOST_TEST(crash->at("ts").to_number<double>() == 1000.0);  // µs of virtual time
  BOOST_TEST(std::string(crash->at("args").at("text").as_string()).find("seed=1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_toy_run_has_every_task_its_waits_flows_and_findings) {
  toy_run run;
  BOOST_REQUIRE(!run.result.findings.empty());  // the stuck task: hang, leaked_task
  const auto shape = loopcheck::test::check_trace(trace_of(run.timeline));
  BOOST_TEST(shape.problems.empty(), problems_of(shape));
  BOOST_TEST(shape.tasks == toy_tasks);
  BOOST_TEST(shape.waits >= toy_tasks);      // each task sleeps once
  BOOST_TEST(shape.flows == toy_tasks - 1);  // the root spawned the other four
  BOOST_TEST(shape.findings == run.result.findings.size());
  const auto& tasks = run.timeline.tasks();
  const auto stuck = std::find_if(tasks.begin(), tasks.end(), [](const auto& t) { return t.name == "stuck"; });
  BOOST_REQUIRE(stuck != tasks.end());
  BOOST_TEST(to_string(stuck->end) == to_string(harness::timeline_task::end_kind::destroyed));
  BOOST_TEST(stuck->site.find("timeline_test.cpp") != std::string::npos);
  BOOST_TEST(stuck->waits.size() == 1u);
  BOOST_TEST(stuck->waits.front().what.find("virtual timer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_checker_sees_a_dropped_end) {
  toy_run run;
  auto trace = trace_of(run.timeline);
  auto& events = trace.as_object().at("traceEvents").as_array();
  const auto last_end =
      std::find_if(events.rbegin(), events.rend(), [](const json::value& e) { return e.at("ph").as_string() == "e"; });
  BOOST_REQUIRE(last_end != events.rend());
  events.erase(std::next(last_end).base());
  const auto shape = loopcheck::test::check_trace(trace);
  BOOST_TEST(problems_of(shape).find("has no 'e'") != std::string::npos, problems_of(shape));
}

struct recorded_trace {
  harness::recorded_run run;
  json::value trace;
  loopcheck::test::trace_shape shape;
};

recorded_trace record(const std::string& token) {
  std::string error;
  const auto spec = harness::parse_replay_token(token, error);
  BOOST_REQUIRE_MESSAGE(spec, error);
  recorded_trace r{harness::run_scenario_recorded(*harness::scenario_registry::instance().find(spec->family), *spec, token),
                   {}, {}};
  r.trace = trace_of(*r.run.timeline);
  r.shape = loopcheck::test::check_trace(r.trace);
  BOOST_TEST(r.shape.problems.empty(), problems_of(r.shape));
  BOOST_TEST(r.shape.tasks == r.run.timeline->tasks().size());
  BOOST_TEST(r.shape.findings == r.run.result.findings.size());
  BOOST_TEST(r.trace.at("metadata").at("loopcheck_run").as_string() == token);
  BOOST_TEST(r.trace.at("metadata").at("truncated").as_bool() == false);
  return r;
}

BOOST_AUTO_TEST_CASE(a_failing_variant_replayed_with_a_trace_shows_its_file_race) {
  const std::string token = "rapid-turnover/uncoalesced-backups/0/fifo/sim";
  const auto r = record(token);
  BOOST_REQUIRE(!r.run.result.findings.empty());
  BOOST_TEST(r.shape.tasks >= 2u);
  BOOST_TEST(r.shape.flows >= 1u);
  BOOST_TEST(r.shape.file_operations > 0u);
  const bool race_named = std::any_of(r.shape.finding_texts.begin(), r.shape.finding_texts.end(),
                                      [](const std::string& t) { return t.find("file_race") != std::string::npos; });
  BOOST_TEST(race_named);
  BOOST_TEST(r.trace.at("metadata").at("clock").as_string() == "virtual");
  // Recording changed nothing the run decides: the same run unrecorded has the same hash.
  std::string error;
  const auto spec = harness::parse_replay_token(token, error);
  BOOST_TEST(harness::run_scenario(*harness::scenario_registry::instance().find(spec->family), *spec).event_hash ==
             r.run.result.event_hash);
}

// loop-startup runs each seed on three simulated contexts: a process each, task ids repeating.
BOOST_AUTO_TEST_CASE(a_run_of_three_contexts_has_a_process_each) {
  const auto r = record("loop-startup/dropped-task/0/random/sim");
  BOOST_TEST(r.run.timeline->contexts() == 3u);
  std::set<std::int64_t> pids;
  for (const auto& e : r.trace.at("traceEvents").as_array()) {
    if (e.at("ph").as_string() == "b") pids.insert(e.at("pid").to_number<std::int64_t>());
  }
  BOOST_TEST(pids.size() == 3u);
}

// A real-mode run, on a loop thread besides the run's own: real time, the same structure.
BOOST_AUTO_TEST_CASE(a_real_mode_run_is_traced_in_real_time) {
  const auto r = record("thread-loop/reference/0/random/real");
  BOOST_TEST(r.trace.at("metadata").at("clock").as_string() == "real");
  BOOST_TEST(r.shape.tasks >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
