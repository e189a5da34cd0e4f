// reentrant-loop (seed 004): an app's start-up script runs on the loop, and autoreload runs it
// twice. It needs a resource initialised asynchronously, exactly once.
//   reference             the script awaits a shared, once-only initialisation
//   blocking-sync-wrapper the script calls a library's synchronous wrapper (run_sync) while the
//                         loop is running: "This event loop is already running" / deadlock
//   double-init           each run of the script initialises again: duplicate resources
#include <fmt/format.h>
#include <optional>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/lazy_slot.hpp"
#include "loopcheck/runtime/run_sync.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

struct app_state {
  std::int64_t resources_created = 0;
  bool initialised = false;
};

asio::awaitable<void> open_resource(app_state& app) {
  co_await sleep_for(3ms);  // e.g. connecting to a file system service
  ++app.resources_created;
}

// Once-only initialisation shared by every run of the script.
asio::awaitable<void> init_once(app_state& app, lazy_slot& init) {
  if (!app.initialised) {
    app.initialised = true;
    init.request([&app]() -> asio::awaitable<void> { co_await open_resource(app); });
  }
  co_await init.drain();
}

asio::awaitable<void> script_reference(app_state& app, lazy_slot& init) { co_await init_once(app, init); }

asio::awaitable<void> script_blocking(asio::any_io_executor ex, app_state& app) {
  run_sync(ex, open_resource(app), std::chrono::seconds(1));  // blocks the loop it needs
  co_return;
}

asio::awaitable<void> script_double_init(app_state& app) { co_await open_resource(app); }

asio::awaitable<void> autoreload(asio::any_io_executor ex, const std::string& variant, app_state& app, std::int64_t runs) {
  lazy_slot init(ex, "init");
  task_scope scripts(ex, "startup-script");
  for (std::int64_t run = 0; run < runs; ++run) {
    if (variant == "reference") scripts.spawn("startup-script", script_reference(app, init));
    else if (variant == "blocking-sync-wrapper") scripts.spawn("startup-script", script_blocking(ex, app));
    else scripts.spawn("startup-script", script_double_init(app));
    co_await sleep_for(1ms);  // the reload happens while the first run may still be initialising
  }
  co_await scripts.join();
  co_await init.drain();
}

class reentrant_loop final : public harness::scenario {
 public:
  std::string_view name() const override { return "reentrant-loop"; }
  std::string_view description() const override {
    return "a start-up script run twice by autoreload must not block its own loop or initialise twice (seed 004)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"script_runs", 2, 1, 100, "times autoreload runs the start-up script"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "await a once-only asynchronous initialisation", {}},
            {"blocking-sync-wrapper", "run_sync on the running loop", {finding_kind::reentrancy, finding_kind::deadlock}},
            {"double-init", "every run initialises again", {finding_kind::invariant}}};
  }

  run_result run(const run_spec& spec) const override {
    app_state app;
    const auto runs = spec.option("script_runs");
    harness::scenario_body body = [&](asio::any_io_executor ex) { return autoreload(ex, spec.variant, app, runs); };
    run_result result = harness::run_on_sim(spec, body);
    if (app.resources_created > 1) {
      harness::add_finding(result, finding_kind::invariant,
                           fmt::format("the resource was created {} times; start-up must initialise once", app.resources_created));
    }
    result.metrics["resources_created"] = static_cast<double>(app.resources_created);
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(reentrant_loop);

}  // namespace
}  // namespace loopcheck::scenarios
