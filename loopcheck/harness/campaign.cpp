#include "loopcheck/harness/campaign.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/shrink.hpp"
#include "loopcheck/harness/swarm.hpp"

namespace loopcheck::harness {

namespace {

bool is_caught(const run_result& r, const std::vector<finding_kind>& caught_by) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const finding& f) {
    return std::find(caught_by.begin(), caught_by.end(), f.kind) != caught_by.end();
  });
}

template <typename Map>
void merge_counts(Map& into, const Map& from) {
  for (const auto& [name, count] : from) into[name] += count;
}

}  // namespace

std::uint64_t campaign_result::findings() const {
  std::uint64_t n = 0;
  for (const auto& t : targets) n += t.seeds_with_findings;
  return n;
}

campaign_result run_campaign(const campaign_spec& spec, const progress_callback& progress) {
  if (spec.jobs < 1) throw std::invalid_argument("jobs must be at least 1");
  const auto started = std::chrono::steady_clock::now();
  campaign_result result;
  std::vector<run_spec> base_specs;
  for (const auto& t : spec.targets) {
    target_result r;
    r.family = std::string(t.family->name());
    r.variant = t.variant.name;
    r.caught_by = t.variant.caught_by;
    result.targets.push_back(std::move(r));
    run_spec base;
    base.family = std::string(t.family->name());
    base.variant = t.variant.name;
    base.strategy = spec.strategy;
    base.mode = spec.mode;
    std::string error;
    if (!resolve_options(*t.family, spec.option_overrides, base.options, error)) throw std::invalid_argument(error);
    base_specs.push_back(std::move(base));
  }

  // Work items are (target, seed index), handed out in order; a bug target that has been
  // caught skips its later seeds when asked to.
  if (spec.shard_count == 0 || spec.shard_index >= spec.shard_count) throw std::invalid_argument("bad shard");
  std::vector<std::uint64_t> seeds;
  for (std::size_t i = 0; i < spec.seeds.size(); ++i) {
    if (i % spec.shard_count == spec.shard_index) seeds.push_back(spec.seeds[i]);
  }
  const std::uint64_t planned = spec.targets.size() * seeds.size();
  std::atomic<std::uint64_t> next{0};
  std::mutex mutex;
  std::uint64_t done = 0;
  std::uint64_t finding_runs = 0;
  std::vector<std::optional<std::uint64_t>> first_caught_index(spec.targets.size());

  auto spec_for = [&](std::size_t t, std::uint64_t seed) {
    run_spec run = base_specs[t];
    run.seed = seed;
    return spec.swarm ? with_swarm(*spec.targets[t].family, std::move(run), seed, spec.option_overrides) : run;
  };

  auto worker = [&] {
    for (;;) {
      const std::uint64_t item = next.fetch_add(1);
      if (item >= planned) return;
      const std::size_t t = item / seeds.size();
      const std::size_t seed_index = item % seeds.size();
      const bool is_bug = !spec.targets[t].variant.is_reference();
      {
        std::lock_guard lock(mutex);
        if (spec.stop_bug_variants_when_caught && is_bug && first_caught_index[t] && *first_caught_index[t] < seed_index) {
          continue;
        }
        if (spec.time_budget && std::chrono::steady_clock::now() - started > *spec.time_budget) {
          ++result.runs_skipped_by_time_budget;
          continue;
        }
      }
      const run_spec run = spec_for(t, seeds[seed_index]);
      const auto run_started = std::chrono::steady_clock::now();
      const run_result outcome = run_scenario(*spec.targets[t].family, run);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_started).count();
      const bool caught = is_bug && is_caught(outcome, spec.targets[t].variant.caught_by);

      std::lock_guard lock(mutex);
      target_result& r = result.targets[t];
      ++r.seeds_run;
      r.wall_seconds += seconds;
      merge_counts(r.probes, outcome.probes);
      merge_counts(r.faults_reached, outcome.faults_reached);
      merge_counts(r.faults_fired, outcome.faults_fired);
      merge_counts(r.metric_sums, outcome.metrics);
      if (caught) {
        ++r.seeds_caught;
        if (!first_caught_index[t] || seed_index < *first_caught_index[t]) {
          first_caught_index[t] = seed_index;
          r.seeds_needed = seed_index + 1;
        }
      }
      if (!outcome.findings.empty()) {
        ++r.seeds_with_findings;
        ++finding_runs;
        if (!r.first_seed_with_findings || run.seed < *r.first_seed_with_findings) {
          r.first_seed_with_findings = run.seed;
          r.first_findings = outcome.findings;
          r.first_replay_token = to_replay_token(run, *spec.targets[t].family);
        }
      }
      ++done;
      ++result.runs;
      if (progress) progress(done, planned, finding_runs);
    }
  };

  std::vector<std::thread> threads;
  for (int j = 1; j < spec.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  if (spec.shrink_failures) {
    for (std::size_t t = 0; t < result.targets.size(); ++t) {
      target_result& r = result.targets[t];
      if (!r.first_seed_with_findings) continue;
      const run_spec failing = spec_for(t, *r.first_seed_with_findings);
      run_result failure;
      failure.findings = r.first_findings;
      const auto shrunk = shrink(*spec.targets[t].family, failing, failure);
      r.minimal_replay_token = to_replay_token(shrunk.minimal, *spec.targets[t].family);
      r.minimal_findings = shrunk.outcome.findings;
      r.shrink_attempts = shrunk.attempts;
    }
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace loopcheck::harness
