// A family as a user writes one, outside loopcheck's own scenarios: workers add to a shared
// total, each in a read-modify-write that takes a simulated millisecond.
//   reference    the whole read-modify-write happens in one step
//   lost-update  the worker reads, waits, then writes what it read plus one: updates are lost
#include <fmt/format.h>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace {

namespace harness = loopcheck::harness;
namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> add_one(std::int64_t& total, bool lost_update) {
  if (lost_update) {
    const std::int64_t seen = total;
    co_await loopcheck::sleep_for(1ms);
    total = seen + 1;
    co_return;
  }
  co_await loopcheck::sleep_for(1ms);
  ++total;
}

asio::awaitable<void> workers(asio::any_io_executor ex, std::int64_t count, bool lost_update, std::int64_t& total) {
  loopcheck::task_scope scope(ex, "workers");
  for (std::int64_t i = 0; i < count; ++i) scope.spawn("add-one", add_one(total, lost_update));
  co_await scope.join();
}

class toy_counter final : public harness::scenario {
 public:
  std::string_view name() const override { return "toy-counter"; }
  std::string_view description() const override { return "workers add to a shared total; none is lost"; }
  std::vector<harness::option_spec> options() const override {
    return {{"workers", 4, 2, 100, "concurrent workers"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "read-modify-write in one step", {}},
            {"lost-update", "read, wait, write: concurrent updates are lost", {loopcheck::finding_kind::invariant}}};
  }
  harness::run_result run(const harness::run_spec& spec) const override {
    const std::int64_t count = spec.option("workers");
    const bool lost_update = spec.variant == "lost-update";
    std::int64_t total = 0;
    harness::scenario_body body = [&](asio::any_io_executor ex) { return workers(ex, count, lost_update, total); };
    harness::run_result result = harness::run_on_sim(spec, body);
    if (total != count) {
      harness::add_finding(result, loopcheck::finding_kind::invariant,
                           fmt::format("{} workers added one each, the total is {}", count, total));
    }
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(toy_counter);

}  // namespace
