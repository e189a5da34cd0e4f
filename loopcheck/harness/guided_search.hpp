#pragma once
// Coverage-guided exploration of schedules and faults (`loopcheck fuzz`): AFL's loop over a
// simulated run's choices instead of a program's input bytes. An input is a run: its seed, its
// options and swarm key, and its tapes of choices (scheduling picks and fault firings). Each
// round either starts a fresh run from a new seed (random scheduling, or swarm testing) or
// mutates an input of the corpus (choice_mutator.hpp) and replays the mutant. A run that
// reaches new behaviour joins the corpus with the choices it actually made; new behaviour is a
// feature not seen before:
//   - a code probe, a fault site reached, a fault site fired, each with its AFL hit-count class;
//   - a scheduling feature: a pair of consecutive event kinds in the simulator's event log,
//     with its hit-count class (schedule_features.hpp).
// An input that reaches a code probe no run reached before is the parent of the next mutants,
// each of which runs that probe's handler earlier (choice_mutator.hpp): a probe marks a rare
// path, and the failure it leads to is usually one interleaving away.
// The search stops at the first run that fails (a finding of the variant's expected kinds; for
// a reference, any finding), then shrinks it as campaigns do (shrink.hpp). Everything is drawn
// from the search's seed and the runs are made one at a time, so a search is repeated exactly
// by its seed — unless a time limit cuts it short.
#include <chrono>
#include <functional>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

struct guided_spec {
  const scenario* family = nullptr;
  variant_spec variant;
  std::uint64_t seed = 0;
  std::uint64_t budget_runs = 1000;
  std::optional<std::chrono::milliseconds> time_budget;
  std::size_t corpus_capacity = 256;
  // Fresh runs use swarm testing (swarm.hpp) rather than the default fault profile.
  bool swarm = false;
  std::map<std::string, std::int64_t> option_overrides;  // validated against the family
  bool shrink_failure = true;
};

struct guided_result {
  std::uint64_t runs = 0;
  std::uint64_t fresh_runs = 0;    // runs from a new seed
  std::uint64_t mutant_runs = 0;   // runs of a mutated input
  std::size_t corpus_entries = 0;
  std::size_t features = 0;        // distinct features seen
  bool stopped_by_time_budget = false;
  // The failing run, when one was found: its 1-based number, findings and replay token.
  std::optional<std::uint64_t> failing_run;
  double seconds_to_failure = 0;
  std::vector<finding> findings;
  std::string replay_token;
  std::string minimal_replay_token;
  std::vector<finding> minimal_findings;
  std::uint64_t shrink_attempts = 0;
  double wall_seconds = 0;
};

// Called after every run with (runs done, corpus entries, features).
using guided_progress = std::function<void(std::uint64_t, std::size_t, std::size_t)>;

guided_result run_guided_search(const guided_spec& spec, const guided_progress& progress = {});

// A search's outcome in a campaign's terms, for reports and selftest: its runs as seeds run,
// a failing run as the target's first (and only) one with findings.
target_result as_target_result(const guided_spec& spec, const guided_result& result);

}  // namespace loopcheck::harness
