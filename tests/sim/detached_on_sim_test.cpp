// loopcheck::detached on the simulator: the failure lands in the sim_context's registry.
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>

#include "loopcheck/runtime/call_stack.hpp"
#include "loopcheck/runtime/detached.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "sim_test_support.hpp"

namespace asio = boost::asio;
namespace sim = loopcheck::sim;

namespace {

asio::awaitable<int> fail_after_a_step() {
  co_await sim_test::yield();
  throw std::runtime_error("checksum mismatch");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detached_on_sim)

BOOST_AUTO_TEST_CASE(a_failing_detached_coroutine_is_a_finding_of_the_simulated_context) {
  sim::sim_context context(sim_test::options_for(2, sim::strategy_kind::random));
  asio::co_spawn(context, fail_after_a_step(), loopcheck::detached); const int line = __LINE__;
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  const auto findings = loopcheck::task_registry::of(context).findings()->snapshot();
  BOOST_REQUIRE_EQUAL(findings.size(), 1u);
  BOOST_TEST(findings.front().kind == loopcheck::finding_kind::unobserved_exception);
  BOOST_TEST(findings.front().message.find("checksum mismatch") != std::string::npos);
  if (loopcheck::call_stack_has_lines()) {
    BOOST_TEST(findings.front().message.find("detached_on_sim_test.cpp:" + std::to_string(line)) != std::string::npos,
               findings.front().message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
