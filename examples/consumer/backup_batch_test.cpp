// The consumer's suite: every test case fails if it leaves a task behind.
#define BOOST_TEST_MODULE backup batch
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "backup_batch.hpp"
#include "loopcheck/fixtures/task_hygiene.hpp"

LOOPCHECK_TASK_HYGIENE_FOR_EVERY_TEST();

namespace {

// Runs `work` on a loop of its own and stops the loop when it completes, as a service does on
// shutdown: whatever it left running is destroyed with the loop.
std::vector<std::string> run_until_done(boost::asio::awaitable<std::vector<std::string>> work) {
  boost::asio::io_context ctx;
  std::vector<std::string> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(ctx, std::move(work), [&](std::exception_ptr error, std::vector<std::string> value) {
    failure = error;
    result = std::move(value);
    ctx.stop();
  });
  ctx.run();
  if (failure) std::rethrow_exception(failure);
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(backs_up_every_item) {
  auto saved = run_until_done(consumer::back_up_all({"a", "b", "c"}));
  std::sort(saved.begin(), saved.end());  // the backups run concurrently, in no set order
  BOOST_TEST(saved == (std::vector<std::string>{"a", "b", "c"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_batch_completes) {
  BOOST_TEST(run_until_done(consumer::back_up_all({})).empty());
}
