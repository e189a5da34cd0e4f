// Which shard a runner takes: --shard, or the variables of the CI engine that started it.
#define BOOST_TEST_MODULE loopcheck runner
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "loopcheck/runner/shard.hpp"

namespace runner = loopcheck::runner;

namespace {

// An environment of exactly these variables.
struct fake_environment {
  std::map<std::string, std::string> variables;
  const char* operator()(const char* name) const {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  }
};

runner::shard_choice resolve(const std::map<std::string, std::string>& variables, const std::string& flag = {},
                             std::optional<std::uint64_t> total = std::nullopt) {
  return runner::resolve_shard(flag, total, fake_environment{variables});
}

void expect_refused(const std::map<std::string, std::string>& variables, const std::string& message,
                    const std::string& flag = {}, std::optional<std::uint64_t> total = std::nullopt) {
  try {
    resolve(variables, flag, total);
    BOOST_ERROR("accepted: " << message);
  } catch (const runner::shard_error& e) {
    BOOST_TEST(std::string(e.what()).find(message) != std::string::npos, e.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shards)

BOOST_AUTO_TEST_CASE(each_engine_gives_its_shard_zero_based) {
  const auto gitlab = resolve({{"CI_NODE_INDEX", "2"}, {"CI_NODE_TOTAL", "4"}});
  BOOST_TEST(gitlab.index == 1u);  // GitLab counts from 1
  BOOST_TEST(gitlab.count == 4u);
  const auto circle = resolve({{"CIRCLE_NODE_INDEX", "2"}, {"CIRCLE_NODE_TOTAL", "4"}});
  BOOST_TEST(circle.index == 2u);
  BOOST_TEST(circle.source.find("CircleCI") == 0u);
  const auto buildkite = resolve({{"BUILDKITE_PARALLEL_JOB", "0"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "3"}});
  BOOST_TEST(buildkite.index == 0u);
  BOOST_TEST(buildkite.count == 3u);
  const auto kubernetes = resolve({{"JOB_COMPLETION_INDEX", "4"}}, {}, 5);
  BOOST_TEST(kubernetes.index == 4u);
  BOOST_TEST(kubernetes.count == 5u);
  const auto kubernetes_by_variable = resolve({{"JOB_COMPLETION_INDEX", "1"}, {"LOOPCHECK_SHARD_TOTAL", "2"}});
  BOOST_TEST(kubernetes_by_variable.count == 2u);
  const auto none = resolve({});
  BOOST_TEST(none.index == 0u);
  BOOST_TEST(none.count == 1u);
  BOOST_TEST(none.source.empty());
}

BOOST_AUTO_TEST_CASE(the_flag_wins_and_two_engines_must_agree) {
  const auto flagged = resolve({{"CIRCLE_NODE_INDEX", "0"}, {"CIRCLE_NODE_TOTAL", "2"}}, "3/3");
  BOOST_TEST(flagged.index == 2u);
  BOOST_TEST(flagged.source == "--shard");
  const auto agreeing = resolve({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "2"}, {"CIRCLE_NODE_INDEX", "0"}, {"CIRCLE_NODE_TOTAL", "2"}});
  BOOST_TEST(agreeing.index == 0u);
  expect_refused({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "2"}, {"CIRCLE_NODE_INDEX", "1"}, {"CIRCLE_NODE_TOTAL", "2"}},
                 "GitLab CI (CI_NODE_INDEX/CI_NODE_TOTAL) says shard 1 of 2, CircleCI (CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL) says shard 2 of 2");
}

BOOST_AUTO_TEST_CASE(values_that_cannot_be_right_are_refused) {
  expect_refused({{"CIRCLE_NODE_INDEX", "4"}, {"CIRCLE_NODE_TOTAL", "4"}}, "shard index 4 (0-based) is outside a total of 4");
  expect_refused({{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "4"}}, "CI_NODE_INDEX is 0, below 1");
  expect_refused({{"BUILDKITE_PARALLEL_JOB", "1"}}, "BUILDKITE_PARALLEL_JOB is set but BUILDKITE_PARALLEL_JOB_COUNT is not");
  expect_refused({{"CIRCLE_NODE_TOTAL", "3"}}, "CIRCLE_NODE_TOTAL is set but CIRCLE_NODE_INDEX is not");
  expect_refused({{"CIRCLE_NODE_INDEX", "x1"}, {"CIRCLE_NODE_TOTAL", "3"}}, "CIRCLE_NODE_INDEX is 'x1', not a whole number");
  expect_refused({{"CIRCLE_NODE_INDEX", "-1"}, {"CIRCLE_NODE_TOTAL", "3"}}, "not a whole number");
  expect_refused({{"JOB_COMPLETION_INDEX", "0"}}, "give --shard-total N or LOOPCHECK_SHARD_TOTAL");
  expect_refused({{"JOB_COMPLETION_INDEX", "0"}, {"LOOPCHECK_SHARD_TOTAL", "0"}}, "the shard total is 0");
  expect_refused({}, "no shard index", {}, 3);
  expect_refused({}, "--shard '2' is not K/N", "2");
  expect_refused({}, "K counts from 1", "0/2");
  expect_refused({}, "outside a total of 2", "3/2");
}

BOOST_AUTO_TEST_SUITE_END()
