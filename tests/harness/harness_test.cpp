#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/reports.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"

namespace harness = loopcheck::harness;

namespace {

harness::target target_of(std::string_view family, std::string_view variant) {
  const auto* f = harness::scenario_registry::instance().find(family);
  BOOST_REQUIRE(f != nullptr);
  for (const auto& v : f->variants()) {
    if (v.name == variant) return {f, v};
  }
  BOOST_FAIL("no such variant");
  return {};
}

// A line of a text grid split into its cells: columns are two or more spaces apart.
std::vector<std::string> cells_of(std::string_view line) {
  std::vector<std::string> cells;
  for (std::size_t at = line.find_first_not_of(' '); at != std::string_view::npos; at = line.find_first_not_of(' ', at)) {
    const auto end = line.find("  ", at);
    cells.emplace_back(line.substr(at, end - at));
    at = end;
  }
  return cells;
}

harness::campaign_result campaign(std::vector<harness::target> targets, std::vector<std::uint64_t> seeds, int jobs,
                                  std::map<std::string, std::int64_t> option_overrides = {}) {
  harness::campaign_spec spec;
  spec.targets = std::move(targets);
  spec.seeds = std::move(seeds);
  spec.jobs = jobs;
  spec.option_overrides = std::move(option_overrides);
  return harness::run_campaign(spec);
}

// Seeds 0 .. seeds − 1.
harness::campaign_result campaign(std::vector<harness::target> targets, std::uint64_t seeds, int jobs) {
  std::vector<std::uint64_t> list(seeds);
  std::iota(list.begin(), list.end(), 0);
  return campaign(std::move(targets), std::move(list), jobs);
}

std::vector<std::string> formatted(const std::vector<loopcheck::finding>& findings) {
  std::vector<std::string> lines;
  for (const auto& f : findings) lines.push_back(loopcheck::format(f));
  return lines;
}

// Writes the JUnit report of `result` to `path`, checks it against the JUnit schema with
// xmllint, and returns its text.
std::string junit_validated_by_xmllint(const harness::campaign_result& result, const std::string& path) {
  {
    std::ofstream out(path);
    harness::write_junit(out, result, harness::verdict_rule::gate);
  }
  const std::string command = std::string("xmllint --noout --schema ") + LOOPCHECK_JUNIT_XSD + " " + path;
  BOOST_TEST(std::system(command.c_str()) == 0);
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(harness_runner)

BOOST_AUTO_TEST_CASE(references_stay_silent_and_bug_variants_are_caught) {
  for (const auto* family : harness::scenario_registry::instance().all()) {
    for (const auto& v : family->variants()) {
      if (v.needle) continue;  // found by the guided search, not by 20 seeds: guided_search_test
      const auto result = campaign({{family, v}}, 20, 2);
      const auto& t = result.targets.at(0);
      BOOST_TEST_CONTEXT(family->name() << "/" << v.name) {
        BOOST_CHECK_MESSAGE(t.expectation_held(), "seeds run " << t.seeds_run << ", with findings " << t.seeds_with_findings);
        if (v.is_reference()) BOOST_TEST(t.seeds_with_findings == 0u);
        else BOOST_TEST(!t.first_replay_token.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_the_number_of_jobs) {
  // With two batches, task-per-save is caught on some seeds and silent on others (seeds 0 and 1
  // among them). The seeds are handed out from the middle (12 .. 23, then 0 .. 11), so the
  // lowest failing seed, which the campaign must report, is neither the first nor the last
  // failing run to finish with one job: counts, first failure and its findings all depend on
  // merging each seed's result by its seed, whichever worker finishes first.
  const auto target = target_of("ordered-saves", "task-per-save");
  const std::map<std::string, std::int64_t> overrides{{"batches", 2}};
  std::vector<std::uint64_t> seeds(24);
  std::iota(seeds.begin(), seeds.end(), 0);
  std::rotate(seeds.begin(), seeds.begin() + 12, seeds.end());

  // What the campaign must report, from each seed run on its own, in hand-out order.
  harness::run_spec run;
  run.family = "ordered-saves";
  run.variant = target.variant.name;
  std::string error;
  BOOST_REQUIRE_MESSAGE(harness::resolve_options(*target.family, overrides, run.options, error), error);
  std::uint64_t seeds_with_findings = 0;
  std::uint64_t seeds_caught = 0;
  std::optional<harness::run_spec> lowest_failing;
  std::vector<std::string> lowest_failing_findings;
  std::optional<std::size_t> first_caught_index;
  std::vector<std::uint64_t> failing_in_hand_out_order;
  for (std::size_t index = 0; index < seeds.size(); ++index) {
    run.seed = seeds[index];
    const auto outcome = harness::run_scenario(*target.family, run);
    if (outcome.findings.empty()) continue;
    ++seeds_with_findings;
    failing_in_hand_out_order.push_back(run.seed);
    if (!lowest_failing || run.seed < lowest_failing->seed) {
      lowest_failing = run;
      lowest_failing_findings = formatted(outcome.findings);
    }
    const auto& caught_by = target.variant.caught_by;
    if (std::any_of(outcome.findings.begin(), outcome.findings.end(),
                    [&](const auto& f) { return std::find(caught_by.begin(), caught_by.end(), f.kind) != caught_by.end(); })) {
      ++seeds_caught;
      if (!first_caught_index) first_caught_index = index;
    }
  }
  // The premise: outcomes differ per seed, and the lowest failing seed is handed out neither
  // first nor last among the failing ones.
  BOOST_REQUIRE(lowest_failing.has_value());
  BOOST_REQUIRE(seeds_with_findings < seeds.size());
  BOOST_REQUIRE(first_caught_index.has_value());
  BOOST_REQUIRE(failing_in_hand_out_order.front() != lowest_failing->seed);
  BOOST_REQUIRE(failing_in_hand_out_order.back() != lowest_failing->seed);

  constexpr std::array job_counts{1, 2, 4};
  std::vector<harness::target_result> results;
  for (int jobs : job_counts) results.push_back(campaign({target}, seeds, jobs, overrides).targets.at(0));
  const auto& serial = results.front();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& t = results[i];
    BOOST_TEST_CONTEXT("jobs " << job_counts[i]) {
      BOOST_TEST(t.seeds_run == seeds.size());
      BOOST_TEST(t.seeds_with_findings == seeds_with_findings);
      BOOST_TEST(t.seeds_caught == seeds_caught);
      BOOST_TEST(t.seeds_needed == *first_caught_index + 1);
      BOOST_REQUIRE(t.first_seed_with_findings.has_value());
      BOOST_TEST(*t.first_seed_with_findings == lowest_failing->seed);
      BOOST_TEST(t.first_replay_token == harness::to_replay_token(*lowest_failing, *target.family));
      BOOST_TEST(formatted(t.first_findings) == lowest_failing_findings, boost::test_tools::per_element());
      BOOST_TEST(t.minimal_replay_token == serial.minimal_replay_token);
      BOOST_TEST((t.probes == serial.probes));
      BOOST_TEST((t.faults_reached == serial.faults_reached));
      BOOST_TEST((t.faults_fired == serial.faults_fired));
      // Sums of doubles, added in the order runs finish: equal up to rounding.
      BOOST_REQUIRE(t.metric_sums.size() == serial.metric_sums.size());
      for (const auto& [name, sum] : serial.metric_sums) {
        BOOST_TEST(t.metric_sums.at(name) == sum, boost::test_tools::tolerance(1e-9));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_replay_token_reproduces_its_run_exactly) {
  const auto result = campaign({target_of("ordered-saves", "naive-queue-join")}, 5, 1);
  const auto& t = result.targets[0];
  BOOST_REQUIRE(!t.first_replay_token.empty());
  std::string error;
  const auto spec = harness::parse_replay_token(t.first_replay_token, error);
  BOOST_REQUIRE_MESSAGE(spec, error);
  const auto* family = harness::scenario_registry::instance().find(spec->family);
  const auto a = harness::run_scenario(*family, *spec);
  const auto b = harness::run_scenario(*family, *spec);
  BOOST_TEST(a.event_hash == b.event_hash);
  BOOST_TEST(a.findings.size() == t.first_findings.size());
}

BOOST_AUTO_TEST_CASE(bad_tokens_are_refused_with_a_reason) {
  std::string error;
  BOOST_TEST(!harness::parse_replay_token("no-such-family/reference/1/random/sim", error));
  BOOST_TEST(error.find("unknown scenario family") != std::string::npos);
  BOOST_TEST(!harness::parse_replay_token("ordered-saves/nope/1/random/sim", error));
  BOOST_TEST(error.find("no variant 'nope'") != std::string::npos);
  BOOST_TEST(!harness::parse_replay_token("ordered-saves/reference/-3/random/sim", error));
  BOOST_TEST(error.find("seed") != std::string::npos);
  BOOST_TEST(!harness::parse_replay_token("ordered-saves/reference/1/random/sim/batches=999999", error));
  BOOST_TEST(error.find("must be in") != std::string::npos);
  BOOST_TEST(!harness::parse_replay_token("ordered-saves/reference", error));
}

BOOST_AUTO_TEST_CASE(a_failure_is_shrunk_to_a_smaller_case_that_still_fails) {
  harness::campaign_spec spec;
  spec.targets = {target_of("ordered-saves", "task-per-save")};
  spec.seeds = {0, 1, 2};
  spec.option_overrides = {{"batches", 40}};
  const auto result = harness::run_campaign(spec);
  const auto& t = result.targets[0];
  BOOST_REQUIRE(!t.minimal_replay_token.empty());
  std::string error;
  const auto minimal = harness::parse_replay_token(t.minimal_replay_token, error);
  BOOST_REQUIRE_MESSAGE(minimal, error);
  BOOST_TEST(minimal->option("batches") < 40);
  const auto rerun = t.minimal_findings;
  BOOST_REQUIRE(!rerun.empty());
  BOOST_TEST(rerun[0].kind == loopcheck::finding_kind::out_of_order);
}

BOOST_AUTO_TEST_CASE(shards_split_the_seeds_without_overlap) {
  std::uint64_t total = 0;
  for (std::uint64_t k = 0; k < 3; ++k) {
    harness::campaign_spec spec;
    spec.targets = {target_of("ordered-saves", "reference")};
    spec.seeds.resize(10);
    std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
    spec.shard_index = k;
    spec.shard_count = 3;
    total += harness::run_campaign(spec).runs;
  }
  BOOST_TEST(total == 10u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(harness_reports)

BOOST_AUTO_TEST_CASE(json_report_has_the_versioned_schema_and_replay_commands) {
  const auto result = campaign({target_of("ordered-saves", "reference"), target_of("ordered-saves", "task-per-save")}, 6, 1);
  std::ostringstream out;
  harness::write_json(out, result, harness::verdict_rule::gate);
  const auto doc = boost::json::parse(out.str()).as_object();
  BOOST_TEST(doc.at("schema").as_string() == "loopcheck.run");
  BOOST_TEST(doc.at("schema_version").as_int64() == 1);
  const auto& targets = doc.at("targets").as_array();
  BOOST_REQUIRE(targets.size() == 2u);
  BOOST_TEST(targets[0].at("failed").as_bool() == false);
  BOOST_TEST(targets[1].at("failed").as_bool() == true);
  const auto command = targets[1].at("first_failure").at("replay_command").as_string();
  BOOST_TEST(command.starts_with("loopcheck replay ordered-saves/task-per-save/"));
}

BOOST_AUTO_TEST_CASE(junit_report_validates_against_the_junit_schema) {
  const auto result = campaign({target_of("ordered-saves", "reference"), target_of("reentrant-loop", "double-init")}, 4, 1);
  const std::string xml = junit_validated_by_xmllint(result, "harness_junit_report.xml");
  BOOST_TEST(xml.find("failures=\"1\"") != std::string::npos);
  BOOST_TEST(xml.find("loopcheck replay reentrant-loop/double-init/") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(loop_startup_matrix_is_a_grid_in_text_and_structured_in_json) {
  const auto result = campaign({target_of("loop-startup", "reference"), target_of("loop-startup", "needs-running-loop"),
                                target_of("loop-startup", "dropped-task")},
                               4, 2);
  std::ostringstream text;
  harness::write_text(text, result, harness::verdict_rule::gate);
  // The grid: its header and rows, each split into its cells.
  std::vector<std::vector<std::string>> grid;
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line) && grid.size() < 4;) {
    if (line.starts_with("  variant") || (!grid.empty() && !line.empty())) grid.push_back(cells_of(line));
  }
  const std::vector<std::vector<std::string>> expected{
      {"variant", "not-running", "on-running", "running"},  // a column per host start-up profile
      {"reference", "ok", "ok", "ok"},
      {"needs-running-loop", "caught: invariant 4/4", "ok", "ok"},
      {"dropped-task", "caught: leaked_task 4/4", "caught: leaked_task 4/4", "caught: leaked_task 4/4"}};
  BOOST_REQUIRE(grid.size() == expected.size());
  for (std::size_t row = 0; row < expected.size(); ++row) BOOST_TEST(grid[row] == expected[row], boost::test_tools::per_element());

  std::ostringstream out;
  harness::write_json(out, result, harness::verdict_rule::gate);
  const auto doc = boost::json::parse(out.str());
  const auto& needs_loop = doc.at("targets").at(1).at("matrix");
  BOOST_TEST(needs_loop.at("not-running").at("runs").as_int64() == 4);
  BOOST_TEST(needs_loop.at("not-running").at("runs_with_findings").as_int64() == 4);
  BOOST_TEST(needs_loop.at("not-running").at("finding_kinds").at("invariant").as_int64() == 4);
  BOOST_TEST(needs_loop.at("not-running").at("outcome").as_string() == "caught: invariant 4/4");
  BOOST_TEST(needs_loop.at("running").at("runs_with_findings").as_int64() == 0);
  BOOST_TEST(needs_loop.at("running").at("finding_kinds").as_object().empty());
  BOOST_TEST(doc.at("targets").at(0).at("matrix").at("on-running").at("outcome").as_string() == "ok");
  // A family without a matrix has no such field.
  const auto plain = campaign({target_of("ordered-saves", "reference")}, 1, 1);
  std::ostringstream plain_out;
  harness::write_json(plain_out, plain, harness::verdict_rule::gate);
  BOOST_TEST(!boost::json::parse(plain_out.str()).at("targets").at(0).as_object().contains("matrix"));
}

// A sanitizer's report is a finding whose whole text travels with it: in the JSON report, in
// JUnit's system-err, and back through `merge`; the text summary says where to find it.
BOOST_AUTO_TEST_CASE(sanitizer_evidence_reaches_every_report) {
  harness::campaign_result result;
  result.runs = 1;
  harness::target_result t;
  t.family = "thread-loop";
  t.variant = "foreign-touch";
  t.caught_by = {loopcheck::finding_kind::wrong_thread};
  t.seeds_run = t.seeds_with_findings = t.seeds_caught = t.seeds_needed = 1;
  t.first_seed_with_findings = 0;
  t.first_replay_token = "thread-loop/foreign-touch/0/random/real";
  loopcheck::finding report;
  report.kind = loopcheck::finding_kind::sanitizer_report;
  report.message = "ThreadSanitizer: data race thread_loop.cpp:40 in append";
  report.evidence = "WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size 8 <by thread T2>\nSUMMARY: " + report.message + "\n";
  t.first_findings = {report};
  result.targets.push_back(t);

  std::ostringstream text;
  harness::write_text(text, result, harness::verdict_rule::gate);
  BOOST_TEST(text.str().find("sanitizer_report: (t=0.000ms): ThreadSanitizer: data race") != std::string::npos);
  BOOST_TEST(text.str().find("full report (3 lines)") != std::string::npos);

  std::ostringstream json_out;
  harness::write_json(json_out, result, harness::verdict_rule::gate);
  const auto doc = boost::json::parse(json_out.str());
  const auto& finding = doc.at("targets").at(0).at("first_failure").at("findings").at(0);
  BOOST_TEST(finding.at("kind").as_string() == "sanitizer_report");
  BOOST_TEST(finding.at("evidence").as_string() == report.evidence);
  std::istringstream json_in(json_out.str());
  const auto back = harness::read_json(json_in, "report.json");
  BOOST_TEST(back.targets.at(0).first_findings.at(0).evidence == report.evidence);
  BOOST_TEST(back.targets.at(0).first_findings.at(0).kind == loopcheck::finding_kind::sanitizer_report);

  const std::string xml = junit_validated_by_xmllint(result, "harness_junit_evidence.xml");
  BOOST_TEST(xml.find("<system-err>") != std::string::npos);
  BOOST_TEST(xml.find("Write of size 8 &lt;by thread T2&gt;") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
