// ordered-saves (seed 001): a producer saves batches in the background; storage must see them
// in order, and a crashing consumer must not leave producers waiting forever.
//   reference        serial_queue: ordered; a consumer crash reaches the producer as an error
//   task-per-save    a task per save (asyncio create_task per batch): saves overlap, finish out of order
//   await-previous   each save awaits the previous one: correct, slower (its throughput is a metric)
//   naive-queue-join a hand-made queue whose producer waits for "all done" (queue.join()): the
//                    consumer crashes and the producer waits forever
#include <deque>
#include <fmt/format.h>
#include <vector>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/serial_queue.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/runtime/waiter_list.hpp"
#include "loopcheck/sim/fault_points.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

struct storage {
  std::vector<std::int64_t> saved;  // batch numbers in the order they reached storage
};

// A save takes 1–8 virtual ms; which, is up to the simulator's fault points, so seeds differ.
asio::awaitable<void> save(storage& store, std::int64_t batch) {
  auto ex = co_await asio::this_coro::executor;
  auto duration = 1ms;
  if (sim::buggify(ex, "ordered-saves.slow-save")) duration = 8ms;
  co_await sleep_for(duration);
  store.saved.push_back(batch);
}

asio::awaitable<void> reference(asio::any_io_executor ex, storage& store, std::int64_t batches, std::int64_t crash_at) {
  auto consume = [&store, crash_at](std::int64_t batch) -> asio::awaitable<void> {
    if (batch == crash_at) throw std::runtime_error(fmt::format("consumer crashed on batch {}", batch));
    co_await save(store, batch);
  };
  serial_queue<std::int64_t> saves(ex, "saves", 4, consume);
  try {
    for (std::int64_t batch = 1; batch <= batches; ++batch) co_await saves.push(batch);
    co_await saves.drain();
  } catch (const queue_consumer_failed&) {
    sim::probe(ex, "ordered-saves.consumer-failure-reached-producer");
  }
}

asio::awaitable<void> task_per_save(asio::any_io_executor ex, storage& store, std::int64_t batches) {
  task_scope scope(ex, "saves");
  for (std::int64_t batch = 1; batch <= batches; ++batch) scope.spawn("save", save(store, batch));
  co_await scope.join();
}

asio::awaitable<void> await_previous(storage& store, std::int64_t batches) {
  for (std::int64_t batch = 1; batch <= batches; ++batch) co_await save(store, batch);
}

// asyncio's Queue with join(): the producer waits until every item was marked done.
struct naive_queue {
  explicit naive_queue(const asio::any_io_executor& ex) : changed(ex, "naive queue join()") {}
  std::deque<std::int64_t> items;
  std::int64_t unfinished = 0;
  waiter_list changed;
};

asio::awaitable<void> naive_consumer(naive_queue& q, storage& store, std::int64_t crash_at) {
  for (;;) {
    const auto seen = q.changed.epoch();
    if (q.items.empty()) {
      co_await q.changed.async_wait(seen, asio::use_awaitable);
      continue;
    }
    const std::int64_t batch = q.items.front();
    q.items.pop_front();
    if (batch == crash_at) throw std::runtime_error(fmt::format("consumer crashed on batch {}", batch));
    co_await save(store, batch);
    --q.unfinished;
    q.changed.notify_all();
  }
}

asio::awaitable<void> naive_queue_join(asio::any_io_executor ex, storage& store, std::int64_t batches,
                                       std::int64_t crash_at) {
  naive_queue q(ex);
  spawn_detached(ex, "naive-consumer", naive_consumer(q, store, crash_at));
  for (std::int64_t batch = 1; batch <= batches; ++batch) {
    q.items.push_back(batch);
    ++q.unfinished;
    q.changed.notify_all();
  }
  for (;;) {  // join(): no timeout, as in the seed
    const auto seen = q.changed.epoch();
    if (q.unfinished == 0) break;
    co_await q.changed.async_wait(seen, asio::use_awaitable);
  }
}

class ordered_saves final : public harness::scenario {
 public:
  std::string_view name() const override { return "ordered-saves"; }
  std::string_view description() const override {
    return "background saves must reach storage in order; a crashing consumer must not hang producers (seed 001)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"batches", 12, 2, 10'000, "batches the producer saves"},
            {"crash_at", 5, 0, 10'000, "batch on which the consumer crashes (0: never)"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "serial_queue: ordered; consumer failure reaches the producer", {}},
            {"task-per-save", "a task per save: saves overlap and finish out of order", {finding_kind::out_of_order}},
            {"await-previous", "each save awaits the previous: correct, slower", {}},
            {"naive-queue-join", "queue.join() after the consumer crashed waits forever",
             {finding_kind::deadlock, finding_kind::leaked_task}}};
  }

  run_result run(const run_spec& spec) const override {
    const auto batches = spec.option("batches");
    const auto crash_at = spec.option("crash_at");
    storage store;
    harness::scenario_body body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      if (spec.variant == "reference") return reference(ex, store, batches, crash_at);
      if (spec.variant == "task-per-save") return task_per_save(ex, store, batches);
      if (spec.variant == "await-previous") return await_previous(store, batches);
      return naive_queue_join(ex, store, batches, crash_at);
    };
    run_result result = harness::run_on_sim(spec, body);
    check_order(store, result);
    result.metrics["saved"] = static_cast<double>(store.saved.size());
    if (result.metrics["virtual_ms"] > 0) {
      result.metrics["saves_per_virtual_second"] = 1000.0 * static_cast<double>(store.saved.size()) / result.metrics["virtual_ms"];
    }
    return result;
  }

 private:
  static void check_order(const storage& store, run_result& result) {
    for (std::size_t i = 0; i < store.saved.size(); ++i) {
      if (store.saved[i] != static_cast<std::int64_t>(i) + 1) {
        harness::add_finding(result, finding_kind::out_of_order,
                             fmt::format("storage position {} holds batch {}, expected batch {}", i, store.saved[i], i + 1));
        return;
      }
    }
  }
};

LOOPCHECK_REGISTER_SCENARIO(ordered_saves);

}  // namespace
}  // namespace loopcheck::scenarios
