// Which launch path the runtime was compiled with (loopcheck/runtime/spawn.hpp): the build's
// expectation comes from CMake (tests/runtime/CMakeLists.txt), so a run of the portable preset
// fails here unless the public co_spawn path is the one its other tests exercised.
#include <string_view>

#include <boost/test/unit_test.hpp>

#include "loopcheck/runtime/spawn.hpp"

BOOST_AUTO_TEST_SUITE(task_launch)

BOOST_AUTO_TEST_CASE(the_compiled_launch_path_is_the_configured_one) {
  const std::string_view compiled = loopcheck::detail::portable_task_launch ? "portable" : "asio-internal";
  BOOST_TEST_MESSAGE("tracked tasks launch through the " << compiled << " path");
  BOOST_TEST(compiled == std::string_view(LOOPCHECK_EXPECTED_TASK_LAUNCH));
}

BOOST_AUTO_TEST_SUITE_END()
