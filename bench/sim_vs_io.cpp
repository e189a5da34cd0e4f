// sim_vs_io: the simulator's cost per handler against io_context's, on one handler-heavy
// workload run on both (issue 13). A task scope spawns `tasks` tracked tasks; each runs
// `rounds` rounds of: `posts_per_round` plain posted handlers, one yield (its continuation
// posted), and one zero-length loopcheck::sleep_for (a timer: Asio's steady_timer on the
// io_context, the virtual clock on the simulator). The simulator runs with its defaults: random
// strategy, event log and run hash on. Repetitions alternate between the two so machine noise
// hits both alike; medians are reported. A handler is what each context counts as one:
// io_context::run()'s return value, sim_context's steps. The simulated runs' hashes are folded
// into one digest, printed so that a change to the simulator can show it kept every schedule
// (same seeds, same digest). Last line:
// `sim_vs_io ratio=<sim ns per handler / io_context ns per handler>` (goal: ≤ 3).
//
//   sim_vs_io [tasks=64] [rounds=20] [posts_per_round=8] [repetitions=31]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_args.hpp"

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/fnv1a.hpp"
#include "loopcheck/sim/sim_context.hpp"

namespace asio = boost::asio;
using wall_clock = std::chrono::steady_clock;

namespace {

struct workload_shape {
  int tasks = 64;
  int rounds = 20;
  int posts_per_round = 8;
};

asio::awaitable<void> worker(workload_shape shape, std::uint64_t& posted_run) {
  const auto ex = co_await asio::this_coro::executor;
  for (int round = 0; round < shape.rounds; ++round) {
    for (int post = 0; post < shape.posts_per_round; ++post) asio::post(ex, [&posted_run] { ++posted_run; });
    co_await asio::post(ex, asio::use_awaitable);
    co_await loopcheck::sleep_for(std::chrono::nanoseconds::zero());
  }
}

asio::awaitable<void> workload(workload_shape shape, std::uint64_t& posted_run) {
  loopcheck::task_scope scope(co_await asio::this_coro::executor, "workers");
  for (int t = 0; t < shape.tasks; ++t) scope.spawn("worker", worker(shape, posted_run));
  co_await scope.join();
}

struct run_figures {
  double seconds = 0;
  std::uint64_t handlers = 0;
  std::uint64_t event_hash = 0;  // simulated runs only
};

double seconds_since(wall_clock::time_point start) {
  return std::chrono::duration<double>(wall_clock::now() - start).count();
}

// Exits the benchmark if the workload did not run every posted handler: a broken run measures
// nothing.
void check_posts(const char* where, workload_shape shape, std::uint64_t posted_run) {
  const auto expected = static_cast<std::uint64_t>(shape.tasks) * static_cast<std::uint64_t>(shape.rounds) *
                        static_cast<std::uint64_t>(shape.posts_per_round);
  if (posted_run != expected) {
    std::fprintf(stderr, "sim_vs_io: %s ran %llu of %llu posted handlers\n", where,
                 static_cast<unsigned long long>(posted_run), static_cast<unsigned long long>(expected));
    std::exit(3);
  }
}

run_figures io_run(workload_shape shape) {
  asio::io_context ctx;
  std::uint64_t posted_run = 0;
  asio::co_spawn(ctx, workload(shape, posted_run), asio::detached);
  const auto start = wall_clock::now();
  const std::size_t handlers = ctx.run();
  const double seconds = seconds_since(start);
  check_posts("io_context", shape, posted_run);
  return {seconds, handlers, 0};
}

run_figures sim_run(workload_shape shape, std::uint64_t seed) {
  loopcheck::sim::sim_context sim({.seed = seed});
  std::uint64_t posted_run = 0;
  asio::co_spawn(sim.get_executor(), workload(shape, posted_run), asio::detached);
  const auto start = wall_clock::now();
  const auto outcome = sim.run();
  const double seconds = seconds_since(start);
  if (outcome.status != loopcheck::sim::run_status::completed) {
    std::fprintf(stderr, "sim_vs_io: the simulated run ended %s\n", std::string(to_string(outcome.status)).c_str());
    std::exit(3);
  }
  check_posts("sim_context", shape, posted_run);
  return {seconds, outcome.steps, outcome.event_hash};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  workload_shape shape;
  int repetitions = 31;
  CLI::App app{"sim_vs_io: ns per handler on sim_context against io_context, same workload"};
  app.add_option("tasks", shape.tasks, "tracked tasks spawned into one scope")->check(CLI::Range(1, 100'000));
  app.add_option("rounds", shape.rounds, "rounds per task")->check(CLI::Range(1, 100'000));
  app.add_option("posts_per_round", shape.posts_per_round, "plain handlers posted per round")
      ->check(CLI::Range(0, 1'000));
  app.add_option("repetitions", repetitions, "runs on each context (medians are reported)")
      ->check(CLI::Range(1, 10'000));
  loopcheck::bench::parse_args(app, argc, argv);

  std::vector<double> io_ns_per_handler;
  std::vector<double> sim_ns_per_handler;
  std::vector<double> ratios;
  run_figures io{};
  run_figures sim{};
  std::uint64_t hash_digest = loopcheck::sim::fnv1a_offset_basis;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    io = io_run(shape);
    sim = sim_run(shape, static_cast<std::uint64_t>(repetition));
    hash_digest = loopcheck::sim::hash_word(sim.event_hash, hash_digest);
    io_ns_per_handler.push_back(io.seconds * 1e9 / static_cast<double>(io.handlers));
    sim_ns_per_handler.push_back(sim.seconds * 1e9 / static_cast<double>(sim.handlers));
    ratios.push_back(sim_ns_per_handler.back() / io_ns_per_handler.back());
  }

  std::printf("workload: %d tracked tasks x %d rounds of (%d posts, 1 yield, 1 zero sleep)\n", shape.tasks,
              shape.rounds, shape.posts_per_round);
  std::printf("io_context:   %7.1f ns/handler median of %d (%llu handlers per run)\n", median(io_ns_per_handler),
              repetitions, static_cast<unsigned long long>(io.handlers));
  std::printf("sim_context:  %7.1f ns/handler median of %d (%llu steps per run; random strategy, event log+hash)\n",
              median(sim_ns_per_handler), repetitions, static_cast<unsigned long long>(sim.handlers));
  std::printf("run hashes of seeds 0..%d folded: %016llx\n", repetitions - 1,
              static_cast<unsigned long long>(hash_digest));
  std::printf("sim_vs_io ratio=%.2f\n", median(ratios));
  return 0;
}
