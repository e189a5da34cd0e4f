#pragma once
// A scenario family (FoundationDB-workload style): a name, a description, options with
// defaults, variants — a `reference` that must stay silent and bug variants that must be
// caught — and the modes it supports. One family per file in loopcheck/scenarios, registered
// in one line with LOOPCHECK_REGISTER_SCENARIO.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/runtime/finding.hpp"
#include "loopcheck/sim/choice_tape.hpp"
#include "loopcheck/sim/strategy.hpp"

namespace loopcheck::harness {

enum class run_mode : std::uint8_t { sim, real };
std::string_view to_string(run_mode mode);

struct option_spec {
  std::string name;
  std::int64_t default_value = 0;
  std::int64_t min_value = 0;
  std::int64_t max_value = 0;
  std::string help;
};

struct variant_spec {
  std::string name;
  std::string description;
  // Empty: the variant must stay silent. Otherwise a run of it is caught when it reports a
  // finding of one of these kinds.
  std::vector<finding_kind> caught_by;
  // True for a bug that is a real data race (or other sanitizer-visible fault) in real mode: in
  // a sanitizer build run_scenario runs it in a child process (isolated_run.hpp), so that its
  // report comes back as a finding instead of halting the program.
  bool provokes_sanitizer_report_in_real_mode = false;
  // A needle: a bug built to need a fault at one moment plus an unlikely interleaving, which
  // random seeds rarely find. selftest checks it with the guided search (guided_search.hpp)
  // instead of seeds; campaigns run it like any other variant.
  bool needle = false;
  bool is_reference() const { return caught_by.empty(); }
};

// Everything that determines one run: replayable from these values alone.
struct run_spec {
  std::string family;
  std::string variant;
  std::uint64_t seed = 0;
  sim::strategy_kind strategy = sim::strategy_kind::random;
  run_mode mode = run_mode::sim;
  std::map<std::string, std::int64_t> options{};  // every option of the family, defaults filled in
  // When set, the run's simulated contexts replay these choices (one tape per context, in the
  // order the run creates them; contexts beyond the list get an empty tape) instead of the
  // strategy's and the seed's. Shrinking produces them.
  std::optional<std::vector<sim::choice_tape>> choices{};
  // Swarm testing (swarm.hpp): when set, the run's fault sites are switched on and fire by this
  // key's profile instead of the seed's.
  std::optional<std::uint64_t> swarm_key{};

  std::int64_t option(const std::string& name) const;
};

struct run_result {
  std::vector<finding> findings;
  std::uint64_t event_hash = 0;  // 0 in real mode
  std::uint64_t steps = 0;
  std::map<std::string, double> metrics;
  // Coverage: code probes hit, and fault sites reached and fired, in this run.
  std::map<std::string, std::uint64_t> probes;
  std::map<std::string, std::uint64_t> faults_reached;
  std::map<std::string, std::uint64_t> faults_fired;
  // The choices each simulated context of the run made (filled in by run_scenario), and for
  // each context the step during which each of its fault firings happened and the steps of
  // each probe's hits (fault_points::probe_steps).
  std::vector<sim::choice_tape> choices;
  std::vector<std::vector<std::uint64_t>> fault_fire_steps;
  std::vector<std::map<std::string, std::vector<std::uint64_t>, std::less<>>> probe_steps;
  // Scheduling features (schedule_features.hpp) over every context, when the run was observed.
  std::map<std::string, std::uint64_t> schedule_features;
};

class scenario {
 public:
  virtual ~scenario() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::vector<option_spec> options() const { return {}; }
  virtual std::vector<variant_spec> variants() const = 0;
  virtual std::vector<run_mode> modes() const { return {run_mode::sim}; }
  // Runs one seed of one variant and checks its invariants.
  virtual run_result run(const run_spec& spec) const = 0;
};

}  // namespace loopcheck::harness
