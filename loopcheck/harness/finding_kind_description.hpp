#pragma once
// What each finding kind means, in a sentence: the rule descriptions of a SARIF report
// (tool.driver.rules), which a code host shows beside every result of that kind.
#include <string_view>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

struct finding_kind_description {
  std::string_view summary;  // one line, no final period (SARIF's shortDescription)
  std::string_view detail;   // what happened and what to do about it (fullDescription)
};

finding_kind_description describe(finding_kind kind);

}  // namespace loopcheck::harness
