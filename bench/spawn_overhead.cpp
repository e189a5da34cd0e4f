// spawn_overhead: ns per spawn-and-complete of a trivial coroutine, tracked (task_scope::spawn:
// registry entry, tracked executor, cancellation slot, leak detection) against raw
// co_spawn(..., detached). Rounds alternate between the two so machine noise hits both alike;
// medians are reported, in two modes: a burst (every task spawned, then the loop run) and a
// steady state (64 tasks in flight at a time).
//
// Each round runs in a child process of its own, forked from the same clean parent, and is
// timed by the thread's CPU clock: in one process, the heap a burst of 100,000 tasks leaves
// behind (glibc's fast bins, a consolidation set off by one large free) decides the next round's
// cost more than the code measured does — alternating rounds in one process swung the burst
// ratio between 0.3 and 4.3 (docs/benchmarks.md). Last line: `spawn_overhead ratio=<tracked/raw>`
// for the steady state. Two more rows compare co_spawn(..., loopcheck::detached), whose
// initiation captures the call stack, with co_spawn(..., asio::detached): the cost of that
// capture on the success path.
//
//   spawn_overhead [tasks_per_round=100000] [rounds=9]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "bench_args.hpp"
#include "loopcheck/runtime/detached.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace asio = boost::asio;

namespace {

asio::awaitable<void> trivial(int& counter) {
  ++counter;
  co_return;
}

struct raw_spawner {
  explicit raw_spawner(asio::io_context& ctx) : ctx_(ctx) {}
  void spawn(int& counter) { asio::co_spawn(ctx_, trivial(counter), asio::detached); }
  asio::io_context& ctx_;
};

struct detached_spawner {
  explicit detached_spawner(asio::io_context& ctx) : ctx_(ctx) {}
  void spawn(int& counter) { asio::co_spawn(ctx_, trivial(counter), loopcheck::detached); }
  asio::io_context& ctx_;
};

struct tracked_spawner {
  explicit tracked_spawner(asio::io_context& ctx) : scope_(ctx.get_executor(), "bench") {}
  void spawn(int& counter) { scope_.spawn("trivial", trivial(counter)); }
  loopcheck::task_scope scope_;
};

double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// Spawns `tasks` in batches of `batch`: each batch is spawned, then run to completion.
template <typename Spawner>
double ns_per_task(int tasks, int batch) {
  asio::io_context ctx;
  int counter = 0;
  const double start_ns = thread_cpu_ns();
  {
    Spawner spawner(ctx);
    for (int done = 0; done < tasks; done += batch) {
      for (int i = 0; i < std::min(batch, tasks - done); ++i) spawner.spawn(counter);
      ctx.restart();
      ctx.run();
    }
  }
  const double elapsed_ns = thread_cpu_ns() - start_ns;
  if (counter != tasks) {
    std::fprintf(stderr, "spawn_overhead: %d of %d tasks ran\n", counter, tasks);
    std::exit(3);
  }
  return elapsed_ns / tasks;
}

[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::exit(3);
}

// ns_per_task in a child process forked from this one, after a warm-up round there (allocator
// and caches), so that no round inherits the heap another round left behind.
template <typename Spawner>
double isolated_ns_per_task(int tasks, int batch) {
  int fds[2];
  if (pipe(fds) != 0) fail("spawn_overhead: pipe");
  const pid_t child = fork();
  if (child < 0) fail("spawn_overhead: fork");
  if (child == 0) {
    ns_per_task<Spawner>(tasks / 10 + 1, batch);
    const double ns = ns_per_task<Spawner>(tasks, batch);
    const bool sent = write(fds[1], &ns, sizeof ns) == static_cast<ssize_t>(sizeof ns);
    _exit(sent ? 0 : 3);
  }
  close(fds[1]);
  double ns = 0;
  const bool received = read(fds[0], &ns, sizeof ns) == static_cast<ssize_t>(sizeof ns);
  close(fds[0]);
  int status = 0;
  if (waitpid(child, &status, 0) != child) fail("spawn_overhead: waitpid");
  if (!received || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "spawn_overhead: a measuring child failed (status %d)\n", status);
    std::exit(3);
  }
  return ns;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct mode_result {
  double raw_ns;
  double tracked_ns;  // or loopcheck::detached's, for that comparison
  double ratio;
};

// Rounds alternate raw and `Spawner` so noise hits both alike; medians of each and of the
// per-round ratios.
template <typename Spawner>
mode_result measure(int tasks, int batch, int rounds) {
  std::vector<double> raw_ns, tracked_ns, ratios;
  for (int round = 0; round < rounds; ++round) {
    raw_ns.push_back(isolated_ns_per_task<raw_spawner>(tasks, batch));
    tracked_ns.push_back(isolated_ns_per_task<Spawner>(tasks, batch));
    ratios.push_back(tracked_ns.back() / raw_ns.back());
  }
  return {median(raw_ns), median(tracked_ns), median(ratios)};
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 100'000;
  int rounds = 9;
  CLI::App app{"spawn_overhead: tracked task_scope spawns against raw co_spawn(..., detached)"};
  app.add_option("tasks_per_round", tasks, "tasks spawned per round")->check(CLI::Range(1, 100'000'000));
  app.add_option("rounds", rounds, "rounds (the median is reported)")->check(CLI::Range(1, 10'000));
  loopcheck::bench::parse_args(app, argc, argv);
  constexpr int steady_batch = 64;
  std::printf("tasks_per_round=%d rounds=%d (medians; thread CPU time, each round in its own process)\n", tasks,
              rounds);
  std::printf("%-34s %12s %12s %8s\n", "mode", "raw ns/task", "tracked ns", "ratio");
  const auto burst = measure<tracked_spawner>(tasks, tasks, rounds);
  std::printf("%-34s %12.1f %12.1f %8.3f\n", "burst (all spawned, then run)", burst.raw_ns, burst.tracked_ns, burst.ratio);
  const auto steady = measure<tracked_spawner>(tasks, steady_batch, rounds);
  std::printf("%-34s %12.1f %12.1f %8.3f\n", "steady (64 in flight at a time)", steady.raw_ns, steady.tracked_ns,
              steady.ratio);
  std::printf("%-34s %12s %12s %8s\n", "co_spawn token", "asio::detached", "loopcheck::", "ratio");
  for (const auto& [name, batch] : {std::pair{"detached burst", tasks}, std::pair{"detached steady", steady_batch}}) {
    const auto token = measure<detached_spawner>(tasks, batch, rounds);
    std::printf("%-34s %12.1f %12.1f %8.3f\n", name, token.raw_ns, token.tracked_ns, token.ratio);
  }
  std::printf("spawn_overhead ratio=%.3f\n", steady.ratio);
  return 0;
}
