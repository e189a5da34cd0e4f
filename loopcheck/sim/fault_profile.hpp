#pragma once
// How a run's fault sites are switched on and how often they fire. The default is every run's
// profile (fault_points.hpp); swarm testing (Groce et al., ISSTA 2012) gives each run its own:
// another set of sites on, another firing rate, so runs differ in which faults they combine.
#include <cstdint>
#include <optional>

namespace loopcheck::sim {

inline constexpr double fault_site_activation_probability = 0.25;
inline constexpr double fault_site_fire_probability = 0.25;

struct fault_profile {
  // A site is on for the whole run when a pure function of (key, site name) falls below
  // activation_probability. No key: the run's seed is the key.
  std::optional<std::uint64_t> activation_key;
  double activation_probability = fault_site_activation_probability;
  // An active site fires with this probability each time it is reached.
  double fire_probability = fault_site_fire_probability;
};

}  // namespace loopcheck::sim
