// scenario_throughput: seeds per second of each scenario family in sim mode (every variant,
// one worker), then rapid-turnover's reference in sim and in real mode with a 50 ms backup
// debounce and 60 ms of test work after each test's changes. Last line:
// `scenario_throughput ratio=<sim seeds per second / real seeds per second>`.
//
//   scenario_throughput [sim_seeds=200] [real_seeds=3]
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/scenario_registry.hpp"

namespace harness = loopcheck::harness;

namespace {

int parse_positive(const char* text, const char* what) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value <= 0 || value > 1'000'000) {
    std::fprintf(stderr, "scenario_throughput: %s must be a positive integer, not '%s'\n", what, text);
    std::exit(2);
  }
  return static_cast<int>(value);
}

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

}  // namespace

int main(int argc, char** argv) {
  const int sim_seeds = argc > 1 ? parse_positive(argv[1], "sim_seeds") : 200;
  const int real_seeds = argc > 2 ? parse_positive(argv[2], "real_seeds") : 3;
  std::printf("sim mode, every variant of each family, %d seeds, 1 worker:\n", sim_seeds);
  for (const auto* family : harness::scenario_registry::instance().all()) {
    std::vector<harness::target> targets;
    for (const auto& v : family->variants()) targets.push_back({family, v});
    const auto variants = targets.size();
    std::printf("  %-16s %10.0f seeds/s per variant (%zu variants)\n", std::string(family->name()).c_str(),
                seeds_per_second(std::move(targets), sim_seeds, harness::run_mode::sim), variants);
  }

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
