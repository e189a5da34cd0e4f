// exploration: runs and seconds to the first detection of every bug variant (sim mode, every
// family) under random, PCT and swarm campaigns and the coverage-guided search (`loopcheck
// fuzz`), with the same run budget, median over repeated campaigns with different seeds. A
// campaign that finds nothing within the budget counts as budget + 1 runs (shown as ">N" when
// that is the median). Last line: `exploration ratio=<the largest, over the needles, of guided
// median runs / best other strategy's median runs>` (goal: ≤ 0.5).
//
//   exploration [budget_runs=3000] [repeats=7]
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_args.hpp"
#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/guided_search.hpp"
#include "loopcheck/harness/scenario_registry.hpp"

namespace harness = loopcheck::harness;

namespace {

// The variants built to need a fault at one moment plus an unlikely interleaving.
const std::vector<std::string> needles{"cache-refresh/torn-rollover", "cache-refresh/torn-cold-rollover"};

struct detection {
  std::optional<std::uint64_t> runs;  // nullopt: not found within the budget
  double seconds = 0;
};

enum class strategy : std::uint8_t { random, pct, swarm, guided };
constexpr strategy all_strategies[] = {strategy::random, strategy::pct, strategy::swarm, strategy::guided};

detection campaign_detection(const harness::target& target, strategy s, std::uint64_t budget_runs, std::uint64_t repeat) {
  harness::campaign_spec spec;
  spec.targets = {target};
  spec.seeds.resize(budget_runs);
  std::iota(spec.seeds.begin(), spec.seeds.end(), repeat * budget_runs);
  spec.strategy = s == strategy::pct ? loopcheck::sim::strategy_kind::pct : loopcheck::sim::strategy_kind::random;
  spec.swarm = s == strategy::swarm;
  spec.stop_bug_variants_when_caught = true;
  spec.shrink_failures = false;  // measure finding, not shrinking
  const auto result = harness::run_campaign(spec);
  const auto& t = result.targets.front();
  if (t.seeds_caught == 0) return {std::nullopt, result.wall_seconds};
  return {t.seeds_needed, result.wall_seconds};
}

detection guided_detection(const harness::target& target, std::uint64_t budget_runs, std::uint64_t repeat) {
  harness::guided_spec spec;
  spec.family = target.family;
  spec.variant = target.variant;
  spec.seed = repeat;
  spec.budget_runs = budget_runs;
  spec.shrink_failure = false;
  const auto result = harness::run_guided_search(spec);
  if (!result.failing_run) return {std::nullopt, result.wall_seconds};
  return {result.failing_run, result.seconds_to_failure};
}

struct summary {
  std::uint64_t found = 0;
  std::uint64_t median_runs = 0;  // budget + 1 when the median campaign found nothing
  double median_seconds = 0;
};

summary summarise(const std::vector<detection>& detections, std::uint64_t budget_runs) {
  std::vector<std::uint64_t> runs;
  std::vector<double> seconds;
  summary s;
  for (const auto& d : detections) {
    s.found += d.runs ? 1 : 0;
    runs.push_back(d.runs.value_or(budget_runs + 1));
    seconds.push_back(d.seconds);
  }
  std::sort(runs.begin(), runs.end());
  std::sort(seconds.begin(), seconds.end());
  s.median_runs = runs[runs.size() / 2];
  s.median_seconds = seconds[seconds.size() / 2];
  return s;
}

std::string cell(const summary& s, std::uint64_t budget_runs, std::uint64_t repeats) {
  const std::string runs = s.median_runs > budget_runs ? fmt::format(">{}", budget_runs) : fmt::format("{}", s.median_runs);
  return fmt::format("{} ({:.3f}s) {}/{}", runs, s.median_seconds, s.found, repeats);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t budget_runs = 3000;
  std::uint64_t repeats = 7;
  CLI::App app{"exploration: runs to first detection under random, PCT, swarm and guided exploration"};
  app.add_option("budget_runs", budget_runs, "runs per campaign at most")->check(CLI::Range(1ull, 10'000'000ull));
  app.add_option("repeats", repeats, "campaigns per strategy and variant (different seeds)")->check(CLI::Range(1ull, 1000ull));
  loopcheck::bench::parse_args(app, argc, argv);
  fmt::print("budget {} runs, {} campaigns each; cells: median runs to first detection (median seconds) campaigns that found it\n",
             budget_runs, repeats);
  fmt::print("{:<40} {:>24} {:>24} {:>24} {:>24} {:>10}\n", "variant", "random", "pct", "swarm", "guided", "guided/best");
  double worst_needle_ratio = 0;
  bool guided_missed_one = false;
  for (const auto* family : harness::scenario_registry::instance().all()) {
    const auto modes = family->modes();
    if (std::find(modes.begin(), modes.end(), harness::run_mode::sim) == modes.end()) continue;
    for (const auto& variant : family->variants()) {
      if (variant.is_reference()) continue;
      const harness::target target{family, variant};
      const std::string name = fmt::format("{}/{}", family->name(), variant.name);
      std::vector<summary> summaries;
      for (const strategy s : all_strategies) {
        std::vector<detection> detections;
        for (std::uint64_t r = 0; r < repeats; ++r) {
          detections.push_back(s == strategy::guided ? guided_detection(target, budget_runs, r)
                                                     : campaign_detection(target, s, budget_runs, r));
        }
        summaries.push_back(summarise(detections, budget_runs));
      }
      const summary& guided = summaries.back();
      std::uint64_t best_other = UINT64_MAX;
      bool others_found = false;
      for (std::size_t i = 0; i + 1 < summaries.size(); ++i) {
        best_other = std::min(best_other, summaries[i].median_runs);
        others_found |= summaries[i].found != 0;
      }
      const double ratio = static_cast<double>(guided.median_runs) / static_cast<double>(best_other);
      if (others_found && guided.found == 0) guided_missed_one = true;
      if (std::find(needles.begin(), needles.end(), name) != needles.end()) worst_needle_ratio = std::max(worst_needle_ratio, ratio);
      fmt::print("{:<40} {:>24} {:>24} {:>24} {:>24} {:>10.2f}\n", name, cell(summaries[0], budget_runs, repeats),
                 cell(summaries[1], budget_runs, repeats), cell(summaries[2], budget_runs, repeats),
                 cell(guided, budget_runs, repeats), ratio);
      std::fflush(stdout);
    }
  }
  fmt::print("guided found every variant another strategy found: {}\n", guided_missed_one ? "NO" : "yes");
  fmt::print("exploration ratio={:.2f}\n", worst_needle_ratio);
}
