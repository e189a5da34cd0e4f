#pragma once
// Mutations of recorded choices for a guided search (Hypothesis and FuzzTest mutate a choice
// sequence rather than raw bytes, so every mutant is a valid run): a run's tapes — scheduling
// picks and fault firings per simulated context (sim/choice_tape.hpp) — are changed by a few
// stacked edits, AFL "havoc" style:
//   schedule: set an index, shift a step, insert or delete a run of choices, cut the schedule
//   off after a step (the rest falls back to the oldest ready handler), splice another input's
//   tail on, or make it first-in first-out but for one preemption (preemption bounding);
//   around a step where a fault fired (the interleavings a fault opens): pick another handler,
//   redraw every pick in the window at random, or run the newest handler just before the
//   fault and the window first-in first-out;
//   faults: fire a reached site at one of its reaches or at a random half of them, drop a
//   firing, shift a firing's reach.
// An input that reached a probe new to the search (a rare path its author marked) has every
// mutant, after its stacked edits, run that probe's handler earlier, as run-fault-first does for
// a fault: the handlers that were ready with it then run inside what it opens.
// Replaying a tape is deterministic and an exhausted tape falls back to first-in first-out
// with no faults, so every mutant is one well-defined run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loopcheck/sim/choice_tape.hpp"
#include "loopcheck/sim/sim_random.hpp"

namespace loopcheck::harness {

// What a mutation starts from: an input's tapes and what its run showed.
struct mutation_base {
  std::vector<sim::choice_tape> tapes;                     // one per simulated context
  std::vector<std::vector<std::uint64_t>> fault_fire_steps;  // per context: each firing's step
  std::uint64_t steps = 0;                                 // the run's length in steps
  std::map<std::string, std::uint64_t> faults_reached;     // site → times reached
  // Per context: the steps of the hits of the probes that were new to the search when this
  // input joined its corpus (none for most inputs).
  std::vector<std::vector<std::uint64_t>> new_probe_steps;
};

// A pick index past any ready count, which runs the newest ready handler (ready_queue::
// pick_index); the edits that preempt in favour of "the handler just made ready" use it, and a
// run records the index it was clamped to.
inline constexpr std::uint64_t newest_pick_index = std::uint64_t{1} << 20;

// 1 to max_stacked_mutations edits of `base`; `other` is the input a splice takes its tail from.
inline constexpr std::uint64_t max_stacked_mutations = 3;
std::vector<sim::choice_tape> mutate_choices(const mutation_base& base, const mutation_base& other, sim::sim_random& dice);

// Sorts a tape's scheduling choices by step, keeps one per step and drops index 0 (the
// default), and keeps one firing per (site, reach): what a tape must be to replay.
void normalise(sim::choice_tape& tape);

}  // namespace loopcheck::harness
