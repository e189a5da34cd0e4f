#define BOOST_TEST_MODULE loopcheck harness
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <string_view>

#include "loopcheck/harness/isolated_run.hpp"

// This program is also the child of its isolated runs (harness/isolated_run.hpp): in a
// ThreadSanitizer build, thread-loop's foreign-touch race runs in one, re-executed as
// `harness_tests isolated-run TOKEN RESULT_PATH`.
int main(int argc, char* argv[]) {
  namespace harness = loopcheck::harness;
  if (argc == 4 && std::string_view(argv[1]) == harness::isolated_run_command) return harness::isolated_child_main(argv[2], argv[3]);
  harness::enable_isolated_runs();
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
