#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/reports.hpp"
#include "loopcheck/harness/scenario_registry.hpp"

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

harness::campaign_result campaign(std::vector<harness::target> targets, std::uint64_t seeds, int jobs) {
  harness::campaign_spec spec;
  spec.targets = std::move(targets);
  spec.seeds.resize(seeds);
  std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
  spec.jobs = jobs;
  return harness::run_campaign(spec);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(harness_runner)

BOOST_AUTO_TEST_CASE(references_stay_silent_and_bug_variants_are_caught) {
  for (const auto* family : harness::scenario_registry::instance().all()) {
    for (const auto& v : family->variants()) {
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
  const auto one = campaign({target_of("ordered-saves", "task-per-save")}, 16, 1);
  const auto four = campaign({target_of("ordered-saves", "task-per-save")}, 16, 4);
  BOOST_TEST(one.targets[0].seeds_with_findings == four.targets[0].seeds_with_findings);
  BOOST_TEST(one.targets[0].first_replay_token == four.targets[0].first_replay_token);
}

BOOST_AUTO_TEST_CASE(a_replay_token_reproduces_its_run_exactly) {
  const auto result = campaign({target_of("ordered-saves", "naive-queue-join")}, 5, 1);
  const auto& t = result.targets[0];
  BOOST_REQUIRE(!t.first_replay_token.empty());
  std::string error;
  const auto spec = harness::parse_replay_token(t.first_replay_token, error);
  BOOST_REQUIRE_MESSAGE(spec, error);
  const auto* family = harness::scenario_registry::instance().find(spec->family);
  const auto a = family->run(*spec);
  const auto b = family->run(*spec);
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
  const std::string path = "harness_junit_report.xml";
  {
    std::ofstream out(path);
    harness::write_junit(out, result, harness::verdict_rule::gate);
  }
  const std::string command = std::string("xmllint --noout --schema ") + LOOPCHECK_JUNIT_XSD + " " + path;
  BOOST_TEST(std::system(command.c_str()) == 0);
  std::ifstream in(path);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(xml.find("failures=\"1\"") != std::string::npos);
  BOOST_TEST(xml.find("loopcheck replay reentrant-loop/double-init/") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
