#include "loopcheck/harness/swarm.hpp"

#include "loopcheck/sim/sim_random.hpp"

namespace loopcheck::harness {

namespace {
constexpr double swarm_activation_probability = 0.5;
constexpr double swarm_fire_probabilities[] = {0.1, 0.25, 0.5};
// Separates the swarm's draws from the seed's other uses.
constexpr std::uint64_t swarm_stream = 0x5a4d5a4d5a4d5a4dULL;
}  // namespace

sim::fault_profile swarm_fault_profile(std::uint64_t swarm_key) {
  sim::fault_profile profile;
  profile.activation_key = swarm_key;
  profile.activation_probability = swarm_activation_probability;
  profile.fire_probability = swarm_fire_probabilities[sim::mix64(swarm_key) % std::size(swarm_fire_probabilities)];
  return profile;
}

run_spec with_swarm(const scenario& family, run_spec base, std::uint64_t draw_seed,
                    const std::map<std::string, std::int64_t>& fixed_options) {
  sim::sim_random dice(sim::mix64(draw_seed ^ swarm_stream));
  base.swarm_key = dice.next();
  for (const auto& o : family.options()) {
    if (fixed_options.count(o.name) != 0 || dice.chance(0.5)) continue;
    const auto span = static_cast<std::uint64_t>(o.default_value - o.min_value) + 1;
    base.options[o.name] = o.min_value + static_cast<std::int64_t>(dice.below(span));
  }
  return base;
}

}  // namespace loopcheck::harness
