// scenario_throughput: seeds per second of each scenario family in sim mode (every variant,
// one worker), then rapid-turnover's reference in sim and in real mode with a 50 ms backup
// debounce and 60 ms of test work after each test's changes. Every family's throughput is also
// measured with the file-race detector off, alternating with on (`file_races ratio=<on/off>`,
// the throughput-weighted cost over all families). Last line:
// `scenario_throughput ratio=<sim seeds per second / real seeds per second>`.
//
//   scenario_throughput [sim_seeds=200] [real_seeds=3]
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>

#include "bench_args.hpp"
#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/vfs/file_race_detector.hpp"

namespace harness = loopcheck::harness;

namespace {

// Seeds per second of `targets` over seeds 0..seeds-1 (runs per target per second).
double seeds_per_second(std::vector<harness::target> targets, int seeds, harness::run_mode mode,
                        std::map<std::string, std::int64_t> options = {}) {
  harness::campaign_spec spec;
  const auto target_count = static_cast<double>(targets.size());
  spec.targets = std::move(targets);
  spec.seeds.resize(static_cast<std::size_t>(seeds));
  std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
  spec.mode = mode;
  spec.option_overrides = std::move(options);
  spec.shrink_failures = false;  // measure runs, not shrinking
  const auto result = harness::run_campaign(spec);
  return static_cast<double>(result.runs) / target_count / result.wall_seconds;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

constexpr int race_cost_repeats = 5;  // pairs of runs, detector on and off, in alternating order

}  // namespace

int main(int argc, char** argv) {
  int sim_seeds = 200;
  int real_seeds = 3;
  CLI::App app{"scenario_throughput: seeds per second per family, simulated and real"};
  app.add_option("sim_seeds", sim_seeds, "seeds per variant in sim mode")->check(CLI::Range(1, 1'000'000));
  app.add_option("real_seeds", real_seeds, "rapid-turnover seeds in real mode")->check(CLI::Range(1, 10'000));
  loopcheck::bench::parse_args(app, argc, argv);
  std::printf("sim mode, every variant of each family, %d seeds, 1 worker (file-race detector on / off):\n",
              sim_seeds);
  double seconds_on = 0;
  double seconds_off = 0;
  for (const auto* family : harness::scenario_registry::instance().all()) {
    std::vector<harness::target> targets;
    for (const auto& v : family->variants()) targets.push_back({family, v});
    const auto variants = targets.size();
    // Alternating, median of repeats: the machine is noisy.
    std::vector<double> on_repeats;
    std::vector<double> off_repeats;
    for (int repeat = 0; repeat < race_cost_repeats; ++repeat) {
      loopcheck::vfs::set_file_race_detection_default(repeat % 2 == 0);
      (repeat % 2 == 0 ? on_repeats : off_repeats).push_back(seeds_per_second(targets, sim_seeds, harness::run_mode::sim));
      loopcheck::vfs::set_file_race_detection_default(repeat % 2 != 0);
      (repeat % 2 != 0 ? on_repeats : off_repeats).push_back(seeds_per_second(targets, sim_seeds, harness::run_mode::sim));
    }
    loopcheck::vfs::set_file_race_detection_default(true);
    const double on = median(on_repeats);
    const double off = median(off_repeats);
    seconds_on += 1 / on;
    seconds_off += 1 / off;
    std::printf("  %-16s %10.0f / %10.0f seeds/s per variant (%zu variants)\n", std::string(family->name()).c_str(), on,
                off, variants);
  }
  std::printf("file_races ratio=%.3f\n", seconds_on / seconds_off);

  const auto* turnover = harness::scenario_registry::instance().find("rapid-turnover");
  harness::target reference{turnover, turnover->variants().front()};
  const std::map<std::string, std::int64_t> debounced{{"debounce_ms", 50}, {"test_work_ms", 60}};
  const double sim = seeds_per_second({reference}, sim_seeds, harness::run_mode::sim, debounced);
  const double real = seeds_per_second({reference}, real_seeds, harness::run_mode::real, debounced);
  std::printf("rapid-turnover reference, debounce_ms=50 test_work_ms=60:\n");
  std::printf("  sim:  %10.1f seeds/s (%d seeds)\n", sim, sim_seeds);
  std::printf("  real: %10.2f seeds/s (%d seeds)\n", real, real_seeds);
  std::printf("scenario_throughput ratio=%.0f\n", sim / real);
  return 0;
}
