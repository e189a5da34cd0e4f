// thread-loop (seed 003): background work handed to another thread.
//   reference        a loop_thread-style background loop: work submitted thread-safely, the
//                    loop drained and joined before the program ends
//   never-run        Thread(target=coro_fn): the thread calls the coroutine function and drops
//                    the awaitable it gets back; the work never runs ("never awaited")
//   killed-daemon    a daemon loop thread is killed at exit with messages still queued
//   foreign-touch    the loop's state is touched from a thread that is not running the loop
#include <fmt/format.h>
#include <thread>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

// State that belongs to the loop: touching it off the loop's thread is a wrong_thread finding.
struct loop_owned_log {
  std::vector<std::int64_t> messages;
  void append(const asio::any_io_executor& ex, std::int64_t message) {
    if (!running_in_this_thread(ex)) {
      auto core = task_registry::of(ex).core();
      core->record(finding{finding_kind::wrong_thread, "message-log", 0, std::source_location::current(), core->now(),
                           fmt::format("message {} appended from a thread that is not running the loop", message)});
    }
    messages.push_back(message);
  }
};

asio::awaitable<void> deliver(loop_owned_log& log, std::int64_t message) {
  auto ex = co_await asio::this_coro::executor;
  co_await sleep_for(2ms);  // e.g. an HTTP request
  log.append(ex, message);
}

asio::awaitable<void> reference(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  task_scope background(ex, "background-loop");
  for (std::int64_t m = 1; m <= messages; ++m) background.spawn("deliver", deliver(log, m));
  co_await background.join();  // the loop is drained before the program ends
}

asio::awaitable<void> never_run(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  std::thread worker([&] {
    for (std::int64_t m = 1; m <= messages; ++m) {
      task<void> dropped(ex, "deliver", deliver(log, m));  // the coroutine object, never run
    }
  });
  worker.join();
  co_return;
}

asio::awaitable<void> killed_daemon(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  for (std::int64_t m = 1; m <= messages; ++m) spawn_detached(ex, "deliver", deliver(log, m));
  co_await sleep_for(1ms);  // then the program exits (sim_limits::program_exit_after_body), killing the daemon
}

asio::awaitable<void> foreign_touch(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  std::thread worker([&] { log.append(ex, 0); });  // no hand-off: direct access from another thread
  worker.join();
  co_await reference(ex, log, messages);
}

class thread_loop final : public harness::scenario {
 public:
  std::string_view name() const override { return "thread-loop"; }
  std::string_view description() const override {
    return "work handed to a background loop thread must run, finish before exit, and stay on its loop (seed 003)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"messages", 4, 1, 10'000, "messages handed to the background loop"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "submit thread-safely, drain and join before exit", {}},
            {"never-run", "Thread(target=coro_fn): the awaitable is never run", {finding_kind::unawaited_task}},
            {"killed-daemon", "a daemon loop killed at exit with messages pending",
             {finding_kind::leaked_task, finding_kind::lost_write}},
            {"foreign-touch", "loop state touched from a foreign thread", {finding_kind::wrong_thread}}};
  }

  run_result run(const run_spec& spec) const override {
    const auto messages = spec.option("messages");
    loop_owned_log log;
    harness::scenario_body body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      if (spec.variant == "reference") return reference(ex, log, messages);
      if (spec.variant == "never-run") return never_run(ex, log, messages);
      if (spec.variant == "killed-daemon") return killed_daemon(ex, log, messages);
      return foreign_touch(ex, log, messages);
    };
    harness::sim_limits limits;
    if (spec.variant == "killed-daemon") limits.program_exit_after_body = std::chrono::nanoseconds(0);
    run_result result = harness::run_on_sim(spec, body, limits);
    const auto delivered = static_cast<std::int64_t>(log.messages.size()) - (spec.variant == "foreign-touch" ? 1 : 0);
    if (delivered < messages && spec.variant != "never-run") {
      harness::add_finding(result, finding_kind::lost_write, fmt::format("{} of {} messages were delivered", delivered, messages));
    }
    result.metrics["delivered"] = static_cast<double>(delivered);
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(thread_loop);

}  // namespace
}  // namespace loopcheck::scenarios
