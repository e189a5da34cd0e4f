#pragma once
// A campaign: seeds of one or more family × variant targets, spread over worker threads.
// Results are deterministic whatever the number of jobs: each run depends only on its spec.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

struct target {
  const scenario* family = nullptr;
  variant_spec variant;
};

struct campaign_spec {
  std::vector<target> targets;
  std::vector<std::uint64_t> seeds;
  sim::strategy_kind strategy = sim::strategy_kind::random;
  // Swarm testing (swarm.hpp): each run switches fault sites and the options not overridden
  // on or off, drawn from its seed.
  bool swarm = false;
  run_mode mode = run_mode::sim;
  std::map<std::string, std::int64_t> option_overrides;  // validated against every target
  int jobs = 1;
  // For bug variants: stop a target's seeds at its first caught run (selftest).
  bool stop_bug_variants_when_caught = false;
  // Shrink each target's first failing run before reporting it.
  bool shrink_failures = true;
  // Split the seeds over CI nodes: this campaign runs the seeds whose index i satisfies
  // i % shard_count == shard_index.
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  // No new run starts after this much wall time; the report says how many runs were skipped.
  std::optional<std::chrono::milliseconds> time_budget;
};

struct target_result {
  std::string family;
  std::string variant;
  std::vector<finding_kind> caught_by;  // empty: a reference, must stay silent
  std::uint64_t seeds_run = 0;
  std::uint64_t seeds_with_findings = 0;
  std::uint64_t seeds_caught = 0;  // bug variants: runs with a finding of an expected kind
  // The first (lowest-seed) run with findings: its findings and replay token.
  std::optional<std::uint64_t> first_seed_with_findings;
  std::vector<finding> first_findings;
  std::string first_replay_token;
  // That run, shrunk (see shrink.hpp): the minimal failing case and its findings.
  std::string minimal_replay_token;
  std::vector<finding> minimal_findings;
  std::uint64_t shrink_attempts = 0;
  std::uint64_t seeds_needed = 0;  // bug variants: 1-based index of the first caught seed
  std::map<std::string, std::uint64_t> probes;
  std::map<std::string, std::uint64_t> faults_reached;
  std::map<std::string, std::uint64_t> faults_fired;
  // Each scenario metric summed over the target's runs (e.g. loop-startup's findings per host
  // profile, power-loss's crash states checked).
  std::map<std::string, double> metric_sums;
  double wall_seconds = 0;

  bool is_reference() const { return caught_by.empty(); }
  // Reference: no run had findings. Bug variant: some run was caught.
  bool expectation_held() const { return is_reference() ? seeds_with_findings == 0 : seeds_caught > 0; }
};

struct campaign_result {
  // The runner that ran it (`loopcheck`, or a user's runner): replay commands name it.
  std::string runner_program = "loopcheck";
  std::vector<target_result> targets;
  std::uint64_t runs = 0;
  std::uint64_t runs_skipped_by_time_budget = 0;
  double wall_seconds = 0;
  std::uint64_t findings() const;
};

// Called after every finished run with (runs done, runs planned, findings so far).
using progress_callback = std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)>;

campaign_result run_campaign(const campaign_spec& spec, const progress_callback& progress = {});

}  // namespace loopcheck::harness
