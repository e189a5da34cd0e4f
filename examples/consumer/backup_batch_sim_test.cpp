// The component under the simulator: every test body runs over many seeds and two schedulers in
// virtual time; a leak, a deadlock or a failed assertion fails the case with a re-run command.
#define BOOST_TEST_MODULE backup batch simulated
#include <boost/test/unit_test.hpp>

#include "backup_batch.hpp"
#include "loopcheck/fixtures/sim_test_case.hpp"

LOOPCHECK_SIM_TEST_CASE(backs_up_every_item_under_every_schedule) {
  std::vector<std::string> items{"a", "b", "c"};  // named: g++ 12 and a braced list in co_await
  const auto saved = co_await consumer::back_up_all(std::move(items));
  BOOST_TEST(saved.size() == 3u);
}
