#include "loopcheck/harness/guided_search.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "loopcheck/harness/choice_mutator.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/schedule_features.hpp"
#include "loopcheck/harness/shrink.hpp"
#include "loopcheck/harness/swarm.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/sim/sim_random.hpp"

namespace loopcheck::harness {

namespace {

// The share of rounds that start a fresh run rather than mutate: new seeds keep bringing in
// behaviour mutation alone would not reach (and the search is never worse than random by more
// than this factor), mutants build on what the corpus already reached.
constexpr double fresh_run_share = 0.1;
// Separates the search's draws from the runs' own uses of the seed.
constexpr std::uint64_t guided_stream = 0x6755696465644c43ULL;

// Parents are picked by a tournament of this many entries: the one with the rarest feature
// wins (AFLFast's and Entropic's insight: inputs that reach rarely-seen behaviour are the ones
// worth mutating, e.g. the first run that hit a probe).
constexpr std::uint64_t tournament_size = 3;

// An input that reaches a code probe no run reached before (or reaches one a number of times in
// a new hit-count class) is the parent of this many mutant rounds in a row: a probe is a rare
// path the scenario's author marked, and the failure it leads to is usually one interleaving
// away from it (AFL fuzzes a new queue entry at once; the mutator runs the probe's handler
// earlier in each of these mutants). 8 to 32 measure alike (docs/benchmarks.md).
constexpr std::uint64_t probe_focus_rounds = 16;

struct corpus_entry {
  run_spec spec;  // carries the choices the run made, so replaying it repeats the run
  mutation_base base;
  std::vector<std::string> features;
};

// A run's feature as text, "tag:name:hit-count class"; for a probe's feature, also the probe.
struct feature {
  std::string text;
  std::string probe;  // empty unless the feature is a probe's
};

// Every feature of a run (see guided_search.hpp).
std::vector<feature> features_of(const run_result& outcome) {
  std::vector<feature> features;
  auto add = [&](std::string_view tag, const std::map<std::string, std::uint64_t>& counts, bool probes) {
    for (const auto& [name, count] : counts) {
      if (count == 0) continue;
      features.push_back({fmt::format("{}:{}:{}", tag, name, hit_count_class(count)), probes ? name : std::string()});
    }
  };
  add("probe", outcome.probes, true);
  add("reached", outcome.faults_reached, false);
  add("fired", outcome.faults_fired, false);
  add("schedule", outcome.schedule_features, false);
  return features;
}

// Per context, the steps of the hits of `probes` (mutation_base::new_probe_steps).
std::vector<std::vector<std::uint64_t>> steps_of(const std::set<std::string>& probes, const run_result& outcome) {
  std::vector<std::vector<std::uint64_t>> steps(outcome.probe_steps.size());
  for (std::size_t context = 0; context < outcome.probe_steps.size(); ++context) {
    for (const auto& probe : probes) {
      const auto hits = outcome.probe_steps[context].find(probe);
      if (hits != outcome.probe_steps[context].end()) steps[context].insert(steps[context].end(), hits->second.begin(), hits->second.end());
    }
  }
  return steps;
}

bool fails(const run_result& outcome, const variant_spec& variant) {
  if (variant.is_reference()) return !outcome.findings.empty();
  return std::any_of(outcome.findings.begin(), outcome.findings.end(), [&](const finding& f) {
    return std::find(variant.caught_by.begin(), variant.caught_by.end(), f.kind) != variant.caught_by.end();
  });
}

// How rare an entry's rarest feature is now: the fewest runs that showed any of its features.
std::uint64_t rarity(const corpus_entry& entry, const std::unordered_map<std::string, std::uint64_t>& feature_runs) {
  std::uint64_t fewest = UINT64_MAX;
  for (const auto& feature : entry.features) fewest = std::min(fewest, feature_runs.at(feature));
  return fewest;
}

const corpus_entry& pick_parent(const std::vector<corpus_entry>& corpus,
                                const std::unordered_map<std::string, std::uint64_t>& feature_runs, sim::sim_random& dice) {
  const corpus_entry* best = &corpus[dice.below(corpus.size())];
  for (std::uint64_t round = 1; round < tournament_size; ++round) {
    const corpus_entry* rival = &corpus[dice.below(corpus.size())];
    if (rarity(*rival, feature_runs) < rarity(*best, feature_runs)) best = rival;
  }
  return *best;
}

}  // namespace

guided_result run_guided_search(const guided_spec& spec, const guided_progress& progress) {
  if (spec.family == nullptr) throw std::invalid_argument("a guided search needs a scenario family");
  if (spec.corpus_capacity == 0) throw std::invalid_argument("the corpus needs room for at least one input");
  const auto modes = spec.family->modes();
  if (std::find(modes.begin(), modes.end(), run_mode::sim) == modes.end()) {
    throw std::invalid_argument(fmt::format("scenario '{}' has no simulated mode to guide", spec.family->name()));
  }
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::steady_clock::now() - started; };
  run_spec base;
  base.family = std::string(spec.family->name());
  base.variant = spec.variant.name;
  base.strategy = sim::strategy_kind::random;
  base.mode = run_mode::sim;
  std::string error;
  if (!resolve_options(*spec.family, spec.option_overrides, base.options, error)) throw std::invalid_argument(error);

  guided_result result;
  sim::sim_random dice(sim::mix64(spec.seed ^ guided_stream));
  std::vector<corpus_entry> corpus;
  std::unordered_map<std::string, std::uint64_t> feature_runs;  // feature → runs that showed it
  std::size_t focus = 0;  // the corpus entry every mutant round takes as parent while focus_rounds_left > 0
  std::uint64_t focus_rounds_left = 0;
  // Bounded by the run budget; a time budget may end it sooner.
  while (result.runs < spec.budget_runs) {
    if (spec.time_budget && elapsed() > *spec.time_budget) {
      result.stopped_by_time_budget = true;
      break;
    }
    run_spec candidate = base;
    if (corpus.empty() || dice.chance(fresh_run_share)) {
      candidate.seed = dice.next();
      if (spec.swarm) candidate = with_swarm(*spec.family, std::move(candidate), candidate.seed, spec.option_overrides);
      ++result.fresh_runs;
    } else {
      const bool focused = focus_rounds_left != 0;
      if (focused) --focus_rounds_left;
      LOOPCHECK_INVARIANT(!focused || focus < corpus.size());
      const corpus_entry& parent = focused ? corpus[focus] : pick_parent(corpus, feature_runs, dice);
      const corpus_entry& other = corpus[dice.below(corpus.size())];
      candidate = parent.spec;
      candidate.choices = mutate_choices(parent.base, other.base, dice);
      ++result.mutant_runs;
    }
    run_result outcome = run_scenario(*spec.family, candidate, run_observation{.schedule_features = true});
    ++result.runs;
    if (fails(outcome, spec.variant)) {
      result.failing_run = result.runs;
      result.seconds_to_failure = std::chrono::duration<double>(elapsed()).count();
      result.findings = outcome.findings;
      // A mutant's token carries the choices its run took: the same run, with the indices the
      // ready queue clamped them to (a mutant may ask for "the newest" as an index past any count).
      if (candidate.choices) candidate.choices = outcome.choices;
      result.replay_token = to_replay_token(candidate, *spec.family);
      if (spec.shrink_failure) {
        const auto shrunk = shrink(*spec.family, candidate, outcome);
        result.minimal_replay_token = to_replay_token(shrunk.minimal, *spec.family);
        result.minimal_findings = shrunk.outcome.findings;
        result.shrink_attempts = shrunk.attempts;
      }
      break;
    }
    std::size_t new_features = 0;
    std::set<std::string> new_probes;
    corpus_entry entry;
    for (auto& feature : features_of(outcome)) {
      if (feature_runs[feature.text]++ == 0) {
        ++new_features;
        if (!feature.probe.empty()) new_probes.insert(std::move(feature.probe));
      }
      entry.features.push_back(std::move(feature.text));
    }
    if (new_features != 0) {
      entry.spec = std::move(candidate);
      entry.spec.choices = outcome.choices;
      entry.base = {std::move(outcome.choices), std::move(outcome.fault_fire_steps), outcome.steps,
                    std::move(outcome.faults_reached), steps_of(new_probes, outcome)};
      // A full corpus makes room at random: old inputs' features are already seen.
      std::size_t slot = corpus.size();
      if (slot < spec.corpus_capacity) corpus.push_back(std::move(entry));
      else corpus[slot = dice.below(corpus.size())] = std::move(entry);
      if (slot == focus) focus_rounds_left = 0;  // the focused input is gone
      if (!new_probes.empty()) {
        focus = slot;
        focus_rounds_left = probe_focus_rounds;
      }
    }
    if (progress) progress(result.runs, corpus.size(), feature_runs.size());
  }
  result.corpus_entries = corpus.size();
  result.features = feature_runs.size();
  result.wall_seconds = std::chrono::duration<double>(elapsed()).count();
  return result;
}

}  // namespace loopcheck::harness

namespace loopcheck::harness {

target_result as_target_result(const guided_spec& spec, const guided_result& result) {
  target_result t;
  t.family = std::string(spec.family->name());
  t.variant = spec.variant.name;
  t.caught_by = spec.variant.caught_by;
  t.seeds_run = result.runs;
  t.wall_seconds = result.wall_seconds;
  if (!result.failing_run) return t;
  t.seeds_with_findings = 1;
  t.seeds_caught = spec.variant.is_reference() ? 0 : 1;
  t.seeds_needed = *result.failing_run;
  t.first_seed_with_findings = spec.seed;
  t.first_findings = result.findings;
  t.first_replay_token = result.replay_token;
  t.minimal_replay_token = result.minimal_replay_token;
  t.minimal_findings = result.minimal_findings;
  t.shrink_attempts = result.shrink_attempts;
  return t;
}

}  // namespace loopcheck::harness
