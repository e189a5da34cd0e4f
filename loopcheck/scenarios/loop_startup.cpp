// loop-startup (seed 002): an app's synchronous startup() starts background work. Hosts call
// startup() at different moments; each run checks the variant under every host profile:
//   running      the loop is already running (Toga >= 0.4.7)
//   not-running  startup() runs before the loop does (Toga <= 0.4.6 on Windows)
//   on-running   the host defers startup() to an on_running hook
// Variants:
//   reference           background work goes into the app's task scope: queued if the loop is
//                       not running yet, joined at shutdown
//   needs-running-loop  startup() insists on a running loop (asyncio.get_running_loop()):
//                       "no running event loop" under the not-running profile
//   dropped-task        startup() keeps its task in a local scope that dies when it returns
//                       (CPython's weakly referenced tasks): "Task was destroyed but it is pending"
// Reports draw the host profile × variant matrix (harness/outcome_matrix.hpp).
#include <array>
#include <fmt/format.h>
#include <stdexcept>

#include "loopcheck/harness/outcome_matrix.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

enum class host_profile { running, not_running, on_running };
constexpr std::array all_profiles{host_profile::running, host_profile::not_running, host_profile::on_running};

std::string_view to_string(host_profile p) {
  switch (p) {
    case host_profile::running: return "running";
    case host_profile::not_running: return "not-running";
    case host_profile::on_running: return "on-running";
  }
  return "unknown";
}

struct app {
  explicit app(const asio::any_io_executor& ex) : background(ex, "app-background") {}
  task_scope background;
  std::int64_t heartbeats = 0;
};

asio::awaitable<void> heartbeat(std::int64_t& beats, std::int64_t wanted) {
  for (std::int64_t i = 0; i < wanted; ++i) {
    co_await sleep_for(10ms);
    ++beats;
  }
}

// The app's synchronous startup(), as a GUI toolkit calls it.
void startup(const std::string& variant, const asio::any_io_executor& ex, app& a, std::int64_t beats) {
  if (variant == "needs-running-loop" && !running_in_this_thread(ex)) {
    throw std::runtime_error("no running event loop");
  }
  if (variant == "dropped-task") {
    task_scope local(ex, "startup-local");
    local.spawn("heartbeat", heartbeat(a.heartbeats, beats));
    return;  // `local` dies here with its task pending
  }
  a.background.spawn("heartbeat", heartbeat(a.heartbeats, beats));
}

// The host: runs the app for a while, then shuts it down, joining its background work.
asio::awaitable<void> host(asio::any_io_executor ex, host_profile profile, const std::string& variant, app& a,
                           std::int64_t beats) {
  if (profile == host_profile::running) startup(variant, ex, a, beats);
  co_await sleep_for(std::chrono::milliseconds(10 * beats + 5));
  a.background.cancel();
  co_await a.background.join();
}

class loop_startup final : public harness::scenario {
 public:
  std::string_view name() const override { return "loop-startup"; }
  std::string_view description() const override {
    return "background work started from startup() must run under every host start-up order (seed 002)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"heartbeats", 3, 1, 1000, "heartbeats the background task must deliver"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "spawn into the app's scope: queued until the loop runs, joined at shutdown", {}},
            {"needs-running-loop", "startup() requires a running loop", {finding_kind::invariant}},
            {"dropped-task", "the task's owner drops it while pending", {finding_kind::leaked_task}}};
  }

  run_result run(const run_spec& spec) const override {
    const auto beats = spec.option("heartbeats");
    run_result combined;
    for (const host_profile profile : all_profiles) {
      std::unique_ptr<app> the_app;
      harness::scenario_body body = [&](asio::any_io_executor ex) {
        the_app = std::make_unique<app>(ex);
        if (profile == host_profile::not_running) {
          startup(spec.variant, ex, *the_app, beats);  // before run(): throws for needs-running-loop
        } else if (profile == host_profile::on_running) {
          asio::post(ex, [&, ex] { startup(spec.variant, ex, *the_app, beats); });
        }
        return host(ex, profile, spec.variant, *the_app, beats);
      };
      run_result one;
      try {
        one = harness::run_on_sim(spec, body);
      } catch (const std::exception& e) {
        harness::add_finding(one, finding_kind::invariant, fmt::format("startup() failed: {}", e.what()));
      }
      if (the_app && the_app->heartbeats < beats && one.findings.empty()) {
        harness::add_finding(one, finding_kind::lost_write,
                             fmt::format("{} of {} heartbeats were delivered", the_app->heartbeats, beats));
      }
      the_app.reset();
      harness::record_matrix_cell(combined, to_string(profile), one.findings);  // the profile × variant matrix
      for (auto& f : one.findings) {
        f.message = fmt::format("[host profile {}] {}", to_string(profile), f.message);
        combined.findings.push_back(std::move(f));
      }
      combined.event_hash = combined.event_hash * 1099511628211ull ^ one.event_hash;
      combined.steps += one.steps;
    }
    return combined;
  }
};

LOOPCHECK_REGISTER_SCENARIO(loop_startup);

}  // namespace
}  // namespace loopcheck::scenarios
