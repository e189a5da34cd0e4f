#pragma once
// Swarm testing (Groce, Zhang, Eide, Chen, Regehr, ISSTA 2012): instead of every run enabling
// every feature a little, each run switches features on or off at random, so some runs combine
// a few features heavily and others leave out a feature that would mask a bug. Here a run's
// features are its fault sites and its scenario options:
//   - fault sites: each is on with p = 1/2, a pure function of the run's swarm key and the
//     site's name, and the sites that are on fire at one of 0.1, 0.25, 0.5 (by the key);
//   - options: each option not fixed by the user keeps its default with p = 1/2, else takes a
//     value drawn uniformly from [minimum, default] (never above the default, so a swarm run
//     is never longer than a default one); an option with minimum 0 is switched off that way.
// The key and the drawn option values are recorded in the run's replay token (`swarm:<hex>`
// and the options part), so `replay` repeats the run exactly.
#include <cstdint>
#include <map>
#include <string>

#include "loopcheck/harness/scenario.hpp"
#include "loopcheck/sim/fault_profile.hpp"

namespace loopcheck::harness {

// The fault profile a swarm key stands for.
sim::fault_profile swarm_fault_profile(std::uint64_t swarm_key);

// `base` (its options resolved) switched by a swarm configuration drawn from `draw_seed`;
// options named in `fixed_options` keep base's values.
run_spec with_swarm(const scenario& family, run_spec base, std::uint64_t draw_seed,
                    const std::map<std::string, std::int64_t>& fixed_options);

}  // namespace loopcheck::harness
