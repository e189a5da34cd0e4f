// thread-loop (seed 003): background work handed to another thread.
//   reference        a loop_thread-style background loop: work submitted thread-safely, the
//                    loop drained and joined before the program ends
//   never-run        Thread(target=coro_fn): the thread calls the coroutine function and drops
//                    the awaitable it gets back; the work never runs ("never awaited")
//   killed-daemon    a daemon loop thread is killed at exit with messages still queued
//   foreign-touch    the loop's state is touched from a thread that is not running the loop
// Modes: `sim` runs the background loop as tasks of the simulated context; `real` runs it on a
// real thread (loopcheck's loop_thread, or a bare io_context on a std::thread for the daemon),
// where foreign-touch is a real data race — which a ThreadSanitizer build reports, in a child
// process (harness/isolated_run.hpp) so that the report comes back as a finding.
#include <atomic>
#include <fmt/format.h>
#include <future>
#include <thread>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/loop_thread.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

// State that belongs to the loop: touching it off the loop's thread is a wrong_thread finding.
// A plain counter, not a container: in real mode a foreign update races with the loop's for
// real, which must be a benign race (a lost update at worst) that ThreadSanitizer reports, never
// a corrupted container in the builds without it.
struct loop_owned_log {
  std::int64_t appended = 0;
  void append(const asio::any_io_executor& ex, std::int64_t message) {
    ++appended;  // first: nothing may order a foreign update after a rendezvous (see below)
    if (!running_in_this_thread(ex)) {
      auto core = task_registry::of(ex).core();
      core->record(finding{finding_kind::wrong_thread, "message-log", 0, std::source_location::current(), core->now(),
                           fmt::format("message {} appended from a thread that is not running the loop", message)});
    }
  }
};

// Makes the foreign thread's update and the loop's own concurrent on every real run, not only
// when the OS happens to interleave them: both threads arrive, then both update. Relaxed
// atomics order nothing, so ThreadSanitizer sees two unordered writes however the threads are
// scheduled. Bounded: a thread left waiting alone past `patience` goes on alone (the
// wrong_thread finding does not depend on the meeting).
class rendezvous {
 public:
  void arrive_and_wait(std::chrono::milliseconds patience) {
    arrived_.fetch_add(1, std::memory_order_relaxed);
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (arrived_.load(std::memory_order_relaxed) < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }

 private:
  std::atomic<int> arrived_{0};
};

// How long a thread of a real run waits for another before it goes on alone.
constexpr auto patience = 5s;

struct delivery {
  std::chrono::nanoseconds latency = 2ms;  // e.g. an HTTP request
  rendezvous* meet = nullptr;              // real foreign-touch: meet the foreign thread first
};

asio::awaitable<void> deliver(loop_owned_log& log, std::int64_t message, delivery how = {}) {
  auto ex = co_await asio::this_coro::executor;
  co_await sleep_for(how.latency);
  if (how.meet != nullptr) how.meet->arrive_and_wait(patience);
  log.append(ex, message);
}

// Thread(target=coro_fn): the thread calls the coroutine function and drops what it returns.
void call_on_a_thread_without_running(const asio::any_io_executor& ex, loop_owned_log& log, std::int64_t messages) {
  std::thread worker([&] {
    for (std::int64_t m = 1; m <= messages; ++m) {
      task<void> dropped(ex, "deliver", deliver(log, m));  // the coroutine object, never run
    }
  });
  worker.join();
}

// --- sim mode: the background loop is the simulated context itself ---

asio::awaitable<void> reference(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  task_scope background(ex, "background-loop");
  for (std::int64_t m = 1; m <= messages; ++m) background.spawn("deliver", deliver(log, m));
  co_await background.join();  // the loop is drained before the program ends
}

asio::awaitable<void> never_run(asio::any_io_executor ex, loop_owned_log& log, std::int64_t messages) {
  call_on_a_thread_without_running(ex, log, messages);
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

// --- real mode: the program's thread hands the messages to a loop on another thread ---

// Submits every message to `background` thread-safely and stops it (drain, then join); the
// futures are read once the loop is gone, when each is ready.
void deliver_through(loop_thread& background, loop_owned_log& log, std::int64_t messages, rendezvous* meet,
                     std::vector<std::future<void>>& results) {
  for (std::int64_t m = 1; m <= messages; ++m) {
    const delivery how{.meet = m == 1 ? meet : nullptr};
    results.push_back(background.submit("deliver", deliver(log, m, how)));
  }
}

void reference_real(harness::loop_findings& loops, loop_owned_log& log, std::int64_t messages) {
  std::vector<std::future<void>> results;
  {
    loop_thread background("background-loop");
    loops.watch(background.executor());
    deliver_through(background, log, messages, nullptr, results);
    background.stop();  // the loop is drained before the program ends
  }
  for (auto& r : results) r.get();
}

void never_run_real(harness::loop_findings& loops, loop_owned_log& log, std::int64_t messages) {
  loop_thread background("background-loop");  // the loop that should have run the work
  loops.watch(background.executor());
  call_on_a_thread_without_running(background.executor(), log, messages);
  background.stop();
}

// A daemon thread running a bare io_context: the program exits once its messages are in flight,
// stopping the daemon's loop without draining it. A request outlives the program by far, so no
// delivery can finish however the threads are scheduled.
void killed_daemon_real(harness::loop_findings& loops, loop_owned_log& log, std::int64_t messages) {
  constexpr delivery slow_request{.latency = 10s};
  asio::io_context daemon_loop;
  loops.watch(daemon_loop.get_executor());
  auto keep_running = asio::make_work_guard(daemon_loop);
  std::thread daemon([&] { daemon_loop.run(); });
  for (std::int64_t m = 1; m <= messages; ++m) spawn_detached(daemon_loop.get_executor(), "deliver", deliver(log, m, slow_request));
  // The loop runs handlers in order: once this one ran, every delivery has started its request.
  std::promise<void> in_flight;
  asio::post(daemon_loop, [&in_flight] { in_flight.set_value(); });
  in_flight.get_future().wait_for(patience);
  daemon_loop.stop();  // interpreter exit kills the daemon thread
  daemon.join();
}  // ~io_context destroys the pending deliveries: a leaked_task each

void foreign_touch_real(harness::loop_findings& loops, loop_owned_log& log, std::int64_t messages) {
  std::vector<std::future<void>> results;
  {
    loop_thread background("background-loop");
    loops.watch(background.executor());
    rendezvous meeting;
    deliver_through(background, log, messages, &meeting, results);
    std::thread foreign([&] {
      meeting.arrive_and_wait(patience);
      log.append(background.executor(), 0);  // no hand-off: direct access from another thread
    });
    foreign.join();
    background.stop();
  }
  for (auto& r : results) r.get();
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
            {"foreign-touch", "loop state touched from a foreign thread (a data race in real mode)",
             {finding_kind::wrong_thread}, /*provokes_sanitizer_report_in_real_mode=*/true}};
  }
  std::vector<harness::run_mode> modes() const override { return {harness::run_mode::sim, harness::run_mode::real}; }

  run_result run(const run_spec& spec) const override {
    const auto messages = spec.option("messages");
    loop_owned_log log;
    run_result result = spec.mode == harness::run_mode::real ? run_real(spec.variant, log, messages) : run_sim(spec, log, messages);
    const auto delivered = log.appended - (spec.variant == "foreign-touch" ? 1 : 0);
    if (delivered < messages && spec.variant != "never-run") {
      harness::add_finding(result, finding_kind::lost_write, fmt::format("{} of {} messages were delivered", delivered, messages));
    }
    result.metrics["delivered"] = static_cast<double>(delivered);
    return result;
  }

 private:
  static run_result run_sim(const run_spec& spec, loop_owned_log& log, std::int64_t messages) {
    harness::scenario_body body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      if (spec.variant == "reference") return reference(ex, log, messages);
      if (spec.variant == "never-run") return never_run(ex, log, messages);
      if (spec.variant == "killed-daemon") return killed_daemon(ex, log, messages);
      return foreign_touch(ex, log, messages);
    };
    harness::sim_limits limits;
    if (spec.variant == "killed-daemon") limits.program_exit_after_body = std::chrono::nanoseconds(0);
    return harness::run_on_sim(spec, body, limits);
  }

  static run_result run_real(const std::string& variant, loop_owned_log& log, std::int64_t messages) {
    const auto started = std::chrono::steady_clock::now();
    run_result result;
    harness::loop_findings loops;
    try {
      if (variant == "reference") reference_real(loops, log, messages);
      else if (variant == "never-run") never_run_real(loops, log, messages);
      else if (variant == "killed-daemon") killed_daemon_real(loops, log, messages);
      else foreign_touch_real(loops, log, messages);
    } catch (const std::exception& e) {
      harness::add_finding(result, finding_kind::invariant, fmt::format("the program failed: {}", e.what()));
    }
    loops.add_to(result);
    result.metrics["real_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(thread_loop);

}  // namespace
}  // namespace loopcheck::scenarios
