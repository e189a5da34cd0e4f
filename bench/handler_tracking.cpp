// handler_tracking: the cost of loopcheck's Asio handler tracker. Tracking is a compile-time
// setting, so the same workload (handler_workload.cpp) is built twice and this driver runs the
// untracked and the tracked executable alternately, round after round, so that machine noise
// hits both alike; it reports the median ns per operation of each part and the median of the
// per-round ratios. Last line: `handler_tracking ratio=<tracked/untracked>` for the handler-heavy
// parts together (posts, timer waits, spawns from handlers).
//
//   handler_tracking [rounds=9] [scale=1] [--untracked PATH] [--tracked PATH]
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench_args.hpp"

namespace {

struct part_figure {
  long operations = 0;
  double ns_per_operation = 0;
};
using run_figures = std::map<std::string, part_figure>;

// The parts whose total is the headline ratio: what a handler-heavy program does all the time.
const std::vector<std::string> steady_parts = {"posts", "timer_waits", "spawns_in_handlers"};

run_figures run_workload(const std::string& path, int scale) {
  const std::string command = path + " " + std::to_string(scale);
  std::FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run " + path);
  run_figures figures;
  char part[64];
  part_figure f;
  while (std::fscanf(out, "%63s %ld %lf", part, &f.operations, &f.ns_per_operation) == 3) figures[part] = f;
  if (pclose(out) != 0 || figures.size() < steady_parts.size()) throw std::runtime_error(path + " failed");
  return figures;
}

double total_ns(const run_figures& figures) {
  double ns = 0;
  for (const auto& part : steady_parts) ns += figures.at(part).ns_per_operation * figures.at(part).operations;
  return ns;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 9;
  int scale = 1;
  std::string untracked = LOOPCHECK_WORKLOAD_UNTRACKED;
  std::string tracked = LOOPCHECK_WORKLOAD_TRACKED;
  CLI::App app{"handler_tracking: a handler-heavy Asio program tracked against untracked"};
  app.add_option("rounds", rounds, "rounds (the median is reported)")->check(CLI::Range(1, 1000));
  app.add_option("scale", scale, "workload size multiplier")->check(CLI::Range(1, 1000));
  app.add_option("--untracked", untracked, "the untracked workload executable");
  app.add_option("--tracked", tracked, "the tracked workload executable");
  loopcheck::bench::parse_args(app, argc, argv);

  run_workload(untracked, scale);  // warm up the page cache and the CPU
  run_workload(tracked, scale);
  std::map<std::string, std::vector<double>> untracked_ns, tracked_ns, ratios;
  std::vector<double> steady_ratios;
  for (int round = 0; round < rounds; ++round) {
    const auto u = run_workload(untracked, scale);
    const auto t = run_workload(tracked, scale);
    for (const auto& [part, figure] : u) {
      untracked_ns[part].push_back(figure.ns_per_operation);
      tracked_ns[part].push_back(t.at(part).ns_per_operation);
      ratios[part].push_back(t.at(part).ns_per_operation / figure.ns_per_operation);
    }
    steady_ratios.push_back(total_ns(t) / total_ns(u));
  }
  std::printf("rounds=%d scale=%d (medians)\n", rounds, scale);
  std::printf("%-22s %14s %14s %8s\n", "part", "untracked ns/op", "tracked ns/op", "ratio");
  for (const auto& [part, values] : untracked_ns) {
    std::printf("%-22s %14.1f %14.1f %8.3f\n", part.c_str(), median(values), median(tracked_ns[part]),
                median(ratios[part]));
  }
  std::printf("handler_tracking ratio=%.3f\n", median(steady_ratios));
  return 0;
}
