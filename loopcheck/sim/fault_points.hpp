#pragma once
// Fault points and code probes (FoundationDB's BUGGIFY and code coverage probes).
//
//   if (sim::buggify(ex, "backup.slow_rename")) co_await loopcheck::sleep_for(2s);
//   if (retry_count > 3) sim::probe(ex, "backup.many_retries");
//
// On a real execution context buggify() is always false and probe() does nothing, so library
// code may call both unconditionally. On a sim_context a fault site is active for the whole
// run with p = 0.25 (a pure function of the run's seed and the site's name), and an active
// site fires with p = 0.25 each time it is reached (sim_options::faults changes both: swarm
// testing). The per-run coverage says which sites were
// reached, active and fired, and how often each probe was hit.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/sim/choice_tape.hpp"
#include "loopcheck/sim/fault_profile.hpp"
#include "loopcheck/sim/sim_random.hpp"

namespace loopcheck::sim {

class sim_context;


struct fault_site_stats {
  bool active = false;
  std::uint64_t reached = 0;
  std::uint64_t fired = 0;
};

struct coverage_report {
  std::map<std::string, fault_site_stats, std::less<>> fault_sites;
  std::map<std::string, std::uint64_t, std::less<>> probes;  // name → hits
};

// A sim_context's fault points. Present as a service only on simulated contexts.
class fault_points : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  // With a `replay` tape (owned by the context) sites fire where it says, not by the dice.
  fault_points(sim_context& context, std::uint64_t seed, const choice_tape* replay);

  bool buggify(std::string_view site);
  void probe(std::string_view name);
  const coverage_report& coverage() const { return coverage_; }
  // Every firing so far, in order.
  const std::vector<fault_choice>& fired() const { return fired_; }
  // The step (0-based) during which each of fired() fired: where a guided search looks for
  // the interleavings a fault opens.
  const std::vector<std::uint64_t>& fired_steps() const { return fired_steps_; }
  // For each probe hit, the steps (0-based) of its first max_recorded_probe_hits hits: where a
  // guided search looks for the interleavings around a rare path.
  static constexpr std::size_t max_recorded_probe_hits = 64;
  const std::map<std::string, std::vector<std::uint64_t>, std::less<>>& probe_steps() const { return probe_steps_; }

 private:
  void shutdown() override {}
  // The step running now; an event outside any handler belongs to step 0.
  std::uint64_t current_step() const;

  sim_context& context_;
  std::uint64_t seed_;
  const choice_tape* replay_;
  sim_random fire_random_;
  std::vector<fault_choice> fired_;
  std::vector<std::uint64_t> fired_steps_;
  std::map<std::string, std::vector<std::uint64_t>, std::less<>> probe_steps_;
  coverage_report coverage_;
};

// False unless `ex` belongs to a sim_context whose run has `site` active and the dice fire.
bool buggify(const asio::any_io_executor& ex, std::string_view site);
// Counts one hit of a rare path; a no-op outside the simulator.
void probe(const asio::any_io_executor& ex, std::string_view name);

}  // namespace loopcheck::sim
