// sim_speed: one workload — tasks that sleep 50 ms and write a file between sleeps — run on a
// real io_context with posix_vfs (in a temp dir) and on sim_context with sim_vfs, in one run.
// Prints both wall times, the simulated handler steps per second, the simulated run with the
// file-race detector off beside it (seeds interleaved) and `file_races ratio=<on/off>`, and
// last `sim_speed ratio=<real_time/sim_time>`.
//
//   sim_speed [tasks=8] [rounds_per_task=10] [sim_repeats=31]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_args.hpp"

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "loopcheck/vfs/temp_directory.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using wall_clock = std::chrono::steady_clock;

namespace {

constexpr auto sleep_between_writes = 50ms;

// One task: `rounds` times, sleep 50 ms then durably write its file.
asio::awaitable<void> writer(loopcheck::vfs::file_system& fs, std::string path, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    co_await loopcheck::sleep_for(sleep_between_writes);
    const std::string data = fmt::format("round {} of {}\n", round, path);
    co_await fs.create(path, loopcheck::vfs::create_mode::truncate_existing);
    co_await fs.write_at(path, 0, data);
    co_await fs.fsync_file(path);
  }
}

asio::awaitable<void> workload(loopcheck::vfs::file_system& fs, std::string dir, int tasks, int rounds) {
  auto ex = co_await asio::this_coro::executor;
  loopcheck::task_scope scope(ex, "writers");
  for (int t = 0; t < tasks; ++t) scope.spawn("writer", writer(fs, fmt::format("{}/file-{}", dir, t), rounds));
  co_await scope.join();
}

asio::awaitable<void> sim_workload(loopcheck::vfs::file_system& fs, int tasks, int rounds) {
  co_await fs.create_directory("/bench");
  co_await workload(fs, "/bench", tasks, rounds);
}

double seconds_since(wall_clock::time_point start) {
  return std::chrono::duration<double>(wall_clock::now() - start).count();
}

double real_run(int tasks, int rounds) {
  const loopcheck::vfs::temp_directory dir("loopcheck-sim-speed");
  asio::io_context ctx;
  loopcheck::vfs::posix_vfs fs;
  const auto start = wall_clock::now();
  asio::co_spawn(ctx, workload(fs, dir.path(), tasks, rounds), asio::detached);
  ctx.run();
  return seconds_since(start);
}

struct sim_result {
  double seconds;
  std::uint64_t steps;
};

sim_result sim_run(int tasks, int rounds, std::uint64_t seed, bool detect_file_races) {
  loopcheck::sim::sim_context sim({.seed = seed});
  loopcheck::vfs::sim_vfs fs({.on_event = loopcheck::sim::file_event_hook(sim),  // file operations are logged too
                              .file_races = {.enabled = detect_file_races}});
  const auto start = wall_clock::now();
  asio::co_spawn(sim.get_executor(), sim_workload(fs, tasks, rounds), asio::detached);
  const auto outcome = sim.run();
  const double seconds = seconds_since(start);
  if (outcome.status != loopcheck::sim::run_status::completed) {
    std::fprintf(stderr, "sim_speed: the simulated run ended %s\n", std::string(to_string(outcome.status)).c_str());
    std::exit(3);
  }
  return {seconds, outcome.steps};
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 8;
  int rounds = 10;
  int sim_repeats = 31;
  CLI::App app{"sim_speed: one workload on a real io_context and on the simulator"};
  app.add_option("tasks", tasks, "writer tasks")->check(CLI::Range(1, 10'000));
  app.add_option("rounds_per_task", rounds, "sleep-and-write rounds per task")->check(CLI::Range(1, 10'000));
  app.add_option("sim_repeats", sim_repeats, "simulated seeds (the median is reported)")->check(CLI::Range(1, 10'000));
  loopcheck::bench::parse_args(app, argc, argv);

  const double real_seconds = real_run(tasks, rounds);
  std::vector<double> sim_seconds;
  std::vector<double> sim_seconds_without_races;
  std::vector<double> steps_per_second;
  std::uint64_t steps = 0;
  for (int repeat = 0; repeat < sim_repeats; ++repeat) {
    const auto seed = static_cast<std::uint64_t>(repeat);
    const auto r = sim_run(tasks, rounds, seed, true);
    sim_seconds.push_back(r.seconds);
    steps_per_second.push_back(static_cast<double>(r.steps) / r.seconds);
    steps = r.steps;
    sim_seconds_without_races.push_back(sim_run(tasks, rounds, seed, false).seconds);
  }
  const auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  const double sim_median = median(sim_seconds);
  const double sim_median_without_races = median(sim_seconds_without_races);

  std::printf("workload: %d tasks x %d rounds of (sleep 50 ms, create+write+fsync)\n", tasks, rounds);
  std::printf("real io_context + posix_vfs:  %.3f s\n", real_seconds);
  std::printf("sim_context + sim_vfs:        %.6f s median of %d seeds (%llu handler steps)\n", sim_median,
              sim_repeats, static_cast<unsigned long long>(steps));
  std::printf("simulated handler steps/s:    %.0f (median)\n", median(steps_per_second));
  std::printf("sim, file-race detector off:  %.6f s median of the same seeds\n", sim_median_without_races);
  std::printf("file_races ratio=%.3f\n", sim_median / sim_median_without_races);
  std::printf("sim_speed ratio=%.0f\n", real_seconds / sim_median);
  return 0;
}
