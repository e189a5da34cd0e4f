// The sim_context's executor behaves like io_context's wherever any_io_executor is accepted.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "sim_test_support.hpp"

namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using loopcheck::finding_kind;
using sim_test::options_for;

namespace {

// Coroutines are free functions: a coroutine lambda's captures die with the temporary lambda.
asio::awaitable<void> push(std::vector<std::string>& out, std::string what) {
  out.push_back(std::move(what));
  co_return;
}

asio::awaitable<void> ask_running_in_this_thread(bool& out) {
  out = loopcheck::running_in_this_thread(co_await asio::this_coro::executor);
}

asio::awaitable<void> wait_forever(std::shared_ptr<loopcheck::waiter_list> never) {
  co_await never->async_wait(never->epoch(), asio::use_awaitable);  // nobody ever notifies
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_executor)

BOOST_AUTO_TEST_CASE(post_dispatch_and_co_spawn_run_through_any_io_executor) {
  sim::sim_context context(options_for(1, sim::strategy_kind::fifo));
  const asio::any_io_executor ex = context.get_executor();
  BOOST_TEST(&asio::query(ex, asio::execution::context) == static_cast<asio::execution_context*>(&context));
  std::vector<std::string> ran;
  asio::post(ex, [&] { ran.push_back("post"); });
  asio::dispatch(ex, [&] { ran.push_back("dispatch"); });  // outside run(): queued, not inline
  asio::co_spawn(ex, push(ran, "coroutine"), asio::detached);
  BOOST_TEST(ran.empty());
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_TEST((ran == std::vector<std::string>{"post", "dispatch", "coroutine"}));
}

BOOST_AUTO_TEST_CASE(dispatch_runs_inline_inside_run_and_post_never_does) {
  sim::sim_context context(options_for(2, sim::strategy_kind::random));
  const asio::any_io_executor ex = context.get_executor();
  std::vector<std::string> ran;
  asio::post(ex, [&] {
    asio::post(ex, [&] { ran.push_back("posted"); });
    asio::dispatch(ex, [&] { ran.push_back("dispatched"); });
    ran.push_back("outer");
  });
  context.run();
  BOOST_TEST((ran == std::vector<std::string>{"dispatched", "outer", "posted"}));
}

BOOST_AUTO_TEST_CASE(properties_are_reported_and_work_is_counted) {
  sim::sim_context context;
  const auto ex = context.get_executor();
  const auto never = asio::require(ex, asio::execution::blocking.never);
  BOOST_TEST((asio::query(never, asio::execution::blocking) == asio::execution::blocking.never));
  BOOST_TEST((asio::query(ex, asio::execution::blocking) == asio::execution::blocking.possibly));
  BOOST_TEST((never != ex));
  BOOST_TEST((asio::require(never, asio::execution::blocking.possibly) == ex));
  BOOST_TEST((asio::query(asio::prefer(ex, asio::execution::relationship.continuation),
                          asio::execution::relationship) == asio::execution::relationship.continuation));
  BOOST_TEST(context.outstanding_work() == 0u);
  {
    const asio::any_io_executor tracked = asio::prefer(ex, asio::execution::outstanding_work.tracked);
    BOOST_TEST(context.outstanding_work() == 1u);
    const auto copy = tracked;  // NOLINT: the copy is the point
    BOOST_TEST(context.outstanding_work() == 2u);
    const asio::any_io_executor untracked = asio::prefer(copy, asio::execution::outstanding_work.untracked);
    BOOST_TEST(context.outstanding_work() == 2u);
  }
  BOOST_TEST(context.outstanding_work() == 0u);
}

BOOST_AUTO_TEST_CASE(running_in_this_thread_is_true_only_inside_run) {
  sim::sim_context context;
  const asio::any_io_executor ex = context.get_executor();
  BOOST_TEST(!loopcheck::running_in_this_thread(ex));
  bool inside_plain = false;
  bool inside_task = false;
  asio::post(ex, [&] { inside_plain = loopcheck::running_in_this_thread(ex); });
  loopcheck::spawn_detached(ex, "asker", ask_running_in_this_thread(inside_task));
  context.run();
  BOOST_TEST(inside_plain);
  BOOST_TEST(inside_task);
  BOOST_TEST(!loopcheck::running_in_this_thread(ex));
}

BOOST_AUTO_TEST_CASE(fifo_runs_handlers_in_post_order) {
  sim::sim_context context(options_for(3, sim::strategy_kind::fifo));
  std::vector<int> order;
  for (int i = 0; i < 10; ++i) asio::post(context, [&order, i] { order.push_back(i); });
  context.run();
  BOOST_TEST((order == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

BOOST_AUTO_TEST_CASE(destroying_the_context_destroys_pending_work_and_reports_tasks) {
  loopcheck::scoped_finding_capture findings;
  {
    sim::sim_options options = options_for(4, sim::strategy_kind::random);
    options.virtual_time_budget = std::chrono::minutes(1);
    sim::sim_context context(options);
    const asio::any_io_executor ex = context.get_executor();
    auto never = std::make_shared<loopcheck::waiter_list>(ex, "flag 'never' set");
    loopcheck::spawn_detached(ex, "parked", wait_forever(never));
    loopcheck::spawn_detached(ex, "sleeper", loopcheck::sleep_for(std::chrono::hours(1)));
    const auto outcome = context.run();
    BOOST_TEST(outcome.status == sim::run_status::hang);  // the sleeper outlives the time budget
    loopcheck::spawn_detached(ex, "never-started", loopcheck::sleep_for(std::chrono::seconds(1)));
    BOOST_TEST(context.ready_handlers() == 1u);
  }
  BOOST_TEST(findings.count(finding_kind::hang) == 1u);
  BOOST_TEST(findings.count(finding_kind::leaked_task) == 2u);
  BOOST_TEST(findings.count(finding_kind::orphan_spawn) == 1u);
  for (const auto& f : findings.snapshot()) {
    if (f.kind == finding_kind::leaked_task && f.task_name == "parked") {
      BOOST_TEST(f.message.find("flag 'never' set") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
