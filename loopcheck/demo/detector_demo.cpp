#include "loopcheck/demo/detector_demo.hpp"

#include <chrono>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/runtime/loop_thread.hpp"
#include "loopcheck/runtime/run_sync.hpp"
#include "loopcheck/runtime/serial_queue.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::demo {
namespace {

using namespace std::chrono_literals;

struct demo_case {
  finding_kind expected;
  const char* title;
  std::function<void()> bug;    // must produce a finding of `expected` kind
  std::function<void()> right;  // must produce no finding at all
};

asio::awaitable<void> backup(std::chrono::milliseconds duration) { co_await sleep_for(duration); }

asio::awaitable<void> failing_backup() {
  co_await sleep_for(1ms);
  throw std::runtime_error("backup failed: disk full");
}

asio::awaitable<int> answer() { co_return 42; }

asio::awaitable<void> consume(int batch) {
  co_await sleep_for(1ms);
  if (batch == 3) throw std::runtime_error("consumer crashed on batch 3");
}

asio::awaitable<void> produce(serial_queue<int>& queue, int batches) {
  for (int batch = 0; batch < batches; ++batch) co_await queue.push(batch);
}

asio::awaitable<int> reentrant_call(asio::any_io_executor ex) {
  try {
    co_return run_sync(ex, answer(), 1s);
  } catch (const loop_reentrancy_error&) {
    co_return -1;
  }
}

std::vector<demo_case> cases() {
  return {
      {finding_kind::leaked_task, "a coroutine pending when its io_context is destroyed",
       [] {
         asio::io_context ctx;
         spawn_detached(ctx.get_executor(), "backup", backup(1h));
         ctx.run_for(2ms);
       },
       [] {
         asio::io_context ctx;
         spawn_detached(ctx.get_executor(), "backup", backup(1ms));
         ctx.run();
       }},
      {finding_kind::unawaited_task, "an awaitable created and dropped without running",
       [] {
         asio::io_context ctx;
         task<int> dropped(ctx.get_executor(), "save", answer());
       },
       [] {
         asio::io_context ctx;
         task_scope scope(ctx.get_executor(), "saves");
         scope.spawn(task<int>(ctx.get_executor(), "save", answer()));
         ctx.run();
       }},
      {finding_kind::unobserved_exception, "a detached coroutine's exception",
       [] {
         asio::io_context ctx;
         spawn_detached(ctx.get_executor(), "backup", failing_backup());
         ctx.run();
       },
       [] {
         asio::io_context ctx;
         auto body = [&]() -> asio::awaitable<void> {
           task_scope scope(ctx.get_executor(), "backups");
           scope.spawn("backup", failing_backup());
           try {
             co_await scope.join();
           } catch (const std::runtime_error&) {
             // observed and handled
           }
         };
         asio::co_spawn(ctx, body(), asio::detached);
         ctx.run();
       }},
      {finding_kind::orphan_spawn, "work handed to a loop that will never run it",
       [] {
         asio::io_context ctx;
         ctx.run();  // out of work: stopped for good
         spawn_detached(ctx.get_executor(), "startup-task", backup(1ms));
       },
       [] {
         asio::io_context ctx;
         spawn_detached(ctx.get_executor(), "startup-task", backup(1ms));  // queued before run: kept
         ctx.run();
       }},
      {finding_kind::unobserved_exception, "a queue whose consumer crashed (producers would block forever)",
       [] {
         asio::io_context ctx;
         auto body = [&]() -> asio::awaitable<void> {
           serial_queue<int> saves(ctx.get_executor(), "saves", 1, consume);
           co_await saves.push(3);
           co_await sleep_for(5ms);  // nobody looks at the queue again
         };
         asio::co_spawn(ctx, body(), asio::detached);
         ctx.run();
       },
       [] {
         asio::io_context ctx;
         auto body = [&]() -> asio::awaitable<void> {
           serial_queue<int> saves(ctx.get_executor(), "saves", 1, consume);
           try {
             co_await produce(saves, 10);  // fails fast with the consumer's error
           } catch (const queue_consumer_failed&) {
           }
         };
         asio::co_spawn(ctx, body(), asio::detached);
         ctx.run();
       }},
      {finding_kind::reentrancy, "a blocking wait for the loop, made on the loop's own thread",
       [] {
         loop_thread loop("app");
         auto result = loop.submit("startup-script", reentrant_call(loop.executor()));
         if (result.get() != -1) throw std::logic_error("run_sync did not refuse a re-entrant call");
       },
       [] {
         loop_thread loop("app");
         if (run_sync(loop.executor(), answer(), 5s) != 42) throw std::logic_error("run_sync returned a wrong value");
       }},
  };
}

}  // namespace

bool run_detector_demo(std::ostream& out) {
  bool all_held = true;
  int number = 0;
  for (const auto& c : cases()) {
    ++number;
    fmt::print(out, "{}. {} [{}]\n", number, c.title, to_string(c.expected));
    std::vector<finding> bug_findings;
    std::vector<finding> right_findings;
    {
      scoped_finding_capture capture;
      c.bug();
      bug_findings = capture.snapshot();
    }
    {
      scoped_finding_capture capture;
      c.right();
      right_findings = capture.snapshot();
    }
    bool caught = false;
    for (const auto& f : bug_findings) caught = caught || f.kind == c.expected;
    fmt::print(out, "   bug:   {}\n", caught ? "caught" : "NOT CAUGHT");
    for (const auto& f : bug_findings) fmt::print(out, "          {}\n", format(f));
    fmt::print(out, "   right: {}\n", right_findings.empty() ? "silent" : "NOT SILENT");
    for (const auto& f : right_findings) fmt::print(out, "          {}\n", format(f));
    all_held = all_held && caught && right_findings.empty();
  }
  fmt::print(out, "\n{}\n", all_held ? "every bug caught, every right pattern silent" : "DEMO FAILED");
  return all_held;
}

}  // namespace loopcheck::demo
