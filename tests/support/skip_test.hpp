#pragma once
// Test helper: reports a test case that cannot run here (e.g. it needs root). Boost.Test's
// precondition decorator skips silently at the log level ctest uses, so this prints a warning
// with a marker that cmake/BoostTestDiscoverScript.cmake turns into a ctest "Skipped". The
// caller returns right after it.
#include <boost/test/unit_test.hpp>
#include <string_view>

namespace loopcheck::testing {

inline void report_skipped(std::string_view reason) {
  BOOST_WARN_MESSAGE(false, "loopcheck-test-skipped: " << reason);
}

}  // namespace loopcheck::testing
