#include <boost/test/unit_test.hpp>
#include <set>
#include <string_view>

#include "loopcheck/harness/finding_kind_description.hpp"

using loopcheck::finding_kind;
namespace harness = loopcheck::harness;

BOOST_AUTO_TEST_SUITE(finding_kind_descriptions)

// A SARIF report's rules come from describe(): a kind left out of its switch would show a code
// host "Unknown finding kind" beside every result of that kind.
BOOST_AUTO_TEST_CASE(every_kind_has_a_description_of_its_own) {
  const auto unknown = harness::describe(static_cast<finding_kind>(static_cast<int>(loopcheck::last_finding_kind) + 1));
  std::set<std::string_view> summaries;
  for (int k = 0; k <= static_cast<int>(loopcheck::last_finding_kind); ++k) {
    const auto kind = static_cast<finding_kind>(k);
    const auto description = harness::describe(kind);
    BOOST_TEST_INFO("finding kind " << loopcheck::to_string(kind));
    BOOST_TEST(description.summary != unknown.summary);
    BOOST_TEST(!description.detail.empty());
    BOOST_TEST(description.summary.back() != '.');
    BOOST_TEST(summaries.insert(description.summary).second);
  }
}

BOOST_AUTO_TEST_SUITE_END()
