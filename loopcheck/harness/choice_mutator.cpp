#include "loopcheck/harness/choice_mutator.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::harness {

namespace {

enum class mutation : std::uint8_t {
  set_index,
  shift_step,
  insert_run,
  delete_run,
  cut_schedule,
  pick_around_fault,
  reshuffle_around_fault,
  run_fault_first,
  few_preemptions,
  fire_reached_site,
  fire_site_densely,
  drop_firing,
  shift_reach,
  splice,
};
// How often each edit is drawn. Weighted by measurement on the cache-refresh needles
// (docs/benchmarks.md, "Exploration strategies"): the heaviest are what a needle needs, a fault
// fired at one moment (fire_site_densely) and a schedule that opens its window
// (few_preemptions, run_fault_first, reshuffle_around_fault, pick_around_fault).
constexpr std::pair<mutation, std::uint64_t> mutation_weights[] = {
    {mutation::set_index, 1},         {mutation::shift_step, 1},        {mutation::insert_run, 1},
    {mutation::delete_run, 1},        {mutation::cut_schedule, 1},      {mutation::pick_around_fault, 2},
    {mutation::reshuffle_around_fault, 2}, {mutation::run_fault_first, 2}, {mutation::few_preemptions, 6},
    {mutation::fire_reached_site, 2}, {mutation::fire_site_densely, 4}, {mutation::drop_firing, 1},
    {mutation::shift_reach, 1},       {mutation::splice, 1},
};

mutation draw_mutation(sim::sim_random& dice) {
  static constexpr std::uint64_t total = [] {
    std::uint64_t sum = 0;
    for (const auto& entry : mutation_weights) sum += entry.second;
    return sum;
  }();
  std::uint64_t ticket = dice.below(total);
  for (const auto& [m, weight] : mutation_weights) {
    if (ticket < weight) return m;
    ticket -= weight;
  }
  LOOPCHECK_INVARIANT(false && "a ticket beyond the weights' total");
  return mutation::set_index;
}

// Indices beyond the ready count pick the newest handler (ready_queue::pick_index): a few
// small ones cover most of what matters.
constexpr std::uint64_t max_index = 4;
// A preemption-bounded schedule (few_preemptions) picks the newest handler this often: the one
// just made ready, which first-in first-out would run last.
constexpr double newest_pick_share = 0.75;
// Fault sites fired densely: each of a site's first reaches fires with p = 1/2, up to this many.
constexpr std::uint64_t max_dense_reaches = 64;
constexpr std::uint64_t max_run_length = 8;
constexpr std::uint64_t max_step_shift = 8;
// Where around a fault's step a pick is placed: which handlers ran just before the fault decides
// who is still ready in the window it opens, and the handlers it makes ready run soon after.
constexpr std::uint64_t before_fault_steps = 6;
constexpr std::uint64_t after_fault_steps = 12;

std::uint64_t new_index(sim::sim_random& dice) { return 1 + dice.below(max_index); }

template <typename Container>
auto random_position(Container& c, sim::sim_random& dice) {
  return c.begin() + static_cast<std::ptrdiff_t>(dice.below(c.size()));
}

void set_choice(sim::choice_tape& tape, std::uint64_t step, std::uint64_t index) {
  std::erase_if(tape.schedule, [&](const sim::schedule_choice& s) { return s.step == step; });
  tape.schedule.push_back({step, index});
}

// The steps around a fault where its window's interleavings are decided: from
// before_fault_steps before it (who is still ready when it fires) to after_fault_steps after.
struct fault_window {
  std::uint64_t fault_step;
  std::uint64_t first;
  std::uint64_t end;  // one past the last
};
fault_window window_around(std::uint64_t fault_step) {
  return {fault_step, fault_step - std::min(fault_step, before_fault_steps), fault_step + after_fault_steps};
}

// A fault site the run reached, with the times it was reached; `base.faults_reached` not empty.
const std::pair<const std::string, std::uint64_t>& random_reached_site(const mutation_base& base, sim::sim_random& dice) {
  auto site = base.faults_reached.begin();
  std::advance(site, static_cast<std::ptrdiff_t>(dice.below(base.faults_reached.size())));
  return *site;
}

// Opens a rare event's window wide: the newest handler a few steps before the event's step
// (the event's own handler, when it was made ready last), then first-in first-out through the
// window, so the handlers that were ready before the event run inside it, before what it made
// ready.
void run_earlier(std::vector<sim::schedule_choice>& schedule, std::uint64_t event_step, sim::sim_random& dice) {
  const fault_window window = window_around(event_step);
  const std::uint64_t early = window.fault_step - std::min(window.fault_step, 1 + dice.below(before_fault_steps));
  std::erase_if(schedule, [&](const sim::schedule_choice& s) { return s.step >= early && s.step < window.end; });
  schedule.push_back({early, newest_pick_index});
}

void insert_run(sim::choice_tape& tape, std::uint64_t steps, sim::sim_random& dice) {
  const std::uint64_t first = dice.below(std::max<std::uint64_t>(steps, 1));
  const std::uint64_t length = 1 + dice.below(max_run_length);
  for (std::uint64_t i = 0; i < length; ++i) set_choice(tape, first + i, new_index(dice));
}

void apply(mutation m, sim::choice_tape& tape, const std::vector<std::uint64_t>& fire_steps, const mutation_base& base,
           const mutation_base& other, std::size_t context, sim::sim_random& dice) {
  auto& schedule = tape.schedule;
  auto& faults = tape.faults;
  switch (m) {
    case mutation::set_index:
      if (schedule.empty()) return insert_run(tape, base.steps, dice);
      random_position(schedule, dice)->index = new_index(dice);
      return;
    case mutation::shift_step: {
      if (schedule.empty()) return insert_run(tape, base.steps, dice);
      auto& choice = *random_position(schedule, dice);
      const std::uint64_t shift = 1 + dice.below(max_step_shift);
      choice.step = dice.chance(0.5) ? choice.step + shift : choice.step - std::min(choice.step, shift);
      return;
    }
    case mutation::insert_run: return insert_run(tape, base.steps, dice);
    case mutation::delete_run: {
      if (schedule.empty()) return insert_run(tape, base.steps, dice);
      const auto first = random_position(schedule, dice);
      const auto length = std::min<std::ptrdiff_t>(1 + static_cast<std::ptrdiff_t>(dice.below(max_run_length)),
                                                   std::distance(first, schedule.end()));
      schedule.erase(first, first + length);
      return;
    }
    case mutation::cut_schedule: {
      const std::uint64_t cut = dice.below(std::max<std::uint64_t>(base.steps, 1));
      std::erase_if(schedule, [&](const sim::schedule_choice& s) { return s.step >= cut; });
      return;
    }
    case mutation::pick_around_fault: {
      if (fire_steps.empty()) return insert_run(tape, base.steps, dice);
      const fault_window window = window_around(*random_position(fire_steps, dice));
      const std::uint64_t step = window.first + dice.below(window.end - window.first);
      return set_choice(tape, step, new_index(dice));
    }
    case mutation::reshuffle_around_fault: {
      // A random schedule inside a fault's window only (a random step's, in a run without
      // firings): the interleavings the fault opens, drawn as a random run draws them.
      const fault_window window = window_around(fire_steps.empty() ? dice.below(std::max<std::uint64_t>(base.steps, 1))
                                                                   : *random_position(fire_steps, dice));
      std::erase_if(schedule, [&](const sim::schedule_choice& s) { return s.step >= window.first && s.step < window.end; });
      for (std::uint64_t step = window.first; step < window.end; ++step) {
        if (const std::uint64_t index = dice.below(max_index + 1); index != 0) schedule.push_back({step, index});
      }
      return;
    }
    case mutation::run_fault_first:
      if (fire_steps.empty()) return insert_run(tape, base.steps, dice);
      return run_earlier(schedule, *random_position(fire_steps, dice), dice);
    case mutation::few_preemptions: {
      // Preemption bounding (Musuvathi and Qadeer, PLDI 2007: most concurrency bugs need few
      // preemptions): first-in first-out but for one pick, the parent's faults kept. One
      // well-placed preemption survives; a random schedule deviates at every step and keeps
      // undoing it.
      schedule.clear();
      // The index, then the step: the order the figures in docs/benchmarks.md were measured
      // with (the two draws were once call arguments, in unspecified order).
      const std::uint64_t index = dice.chance(newest_pick_share) ? newest_pick_index : new_index(dice);
      const std::uint64_t step = dice.below(std::max<std::uint64_t>(base.steps, 1));
      return set_choice(tape, step, index);
    }
    case mutation::fire_site_densely: {
      // Swarm-like density on one reached site: whichever reach a needle's fault needs, half of
      // these edits fire it.
      if (base.faults_reached.empty()) return insert_run(tape, base.steps, dice);
      const auto& [site, reached] = random_reached_site(base, dice);
      for (std::uint64_t reach = 1; reach <= std::min(reached, max_dense_reaches); ++reach) {
        if (dice.chance(0.5)) faults.push_back({site, reach});
      }
      return;
    }
    case mutation::fire_reached_site: {
      if (base.faults_reached.empty()) return insert_run(tape, base.steps, dice);
      const auto& [site, reached] = random_reached_site(base, dice);
      faults.push_back({site, 1 + dice.below(std::max<std::uint64_t>(reached, 1))});
      return;
    }
    case mutation::drop_firing:
      if (faults.empty()) return insert_run(tape, base.steps, dice);
      faults.erase(random_position(faults, dice));
      return;
    case mutation::shift_reach: {
      if (faults.empty()) return insert_run(tape, base.steps, dice);
      auto& firing = *random_position(faults, dice);
      firing.reach = dice.chance(0.5) || firing.reach == 1 ? firing.reach + 1 : firing.reach - 1;
      return;
    }
    case mutation::splice: {
      if (context >= other.tapes.size()) return insert_run(tape, base.steps, dice);
      const std::uint64_t cut = dice.below(std::max<std::uint64_t>(base.steps, 1));
      std::erase_if(schedule, [&](const sim::schedule_choice& s) { return s.step >= cut; });
      for (const auto& s : other.tapes[context].schedule) {
        if (s.step >= cut) schedule.push_back(s);
      }
      return;
    }
  }
}

}  // namespace

void normalise(sim::choice_tape& tape) {
  auto& schedule = tape.schedule;
  std::stable_sort(schedule.begin(), schedule.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  schedule.erase(std::unique(schedule.begin(), schedule.end(), [](const auto& a, const auto& b) { return a.step == b.step; }),
                 schedule.end());
  std::erase_if(schedule, [](const sim::schedule_choice& s) { return s.index == 0; });
  auto& faults = tape.faults;
  std::vector<sim::fault_choice> unique;
  for (auto& f : faults) {
    if (std::find(unique.begin(), unique.end(), f) == unique.end()) unique.push_back(std::move(f));
  }
  faults = std::move(unique);
}

std::vector<sim::choice_tape> mutate_choices(const mutation_base& base, const mutation_base& other, sim::sim_random& dice) {
  std::vector<sim::choice_tape> tapes = base.tapes;
  if (tapes.empty()) tapes.emplace_back();
  // A new probe's input: after the stacked edits, so none of them undoes it, one of its new
  // probe hits, drawn at random, runs earlier.
  std::vector<std::pair<std::size_t, std::uint64_t>> new_probe_hits;  // (context, step)
  for (std::size_t context = 0; context < std::min(tapes.size(), base.new_probe_steps.size()); ++context) {
    for (const std::uint64_t step : base.new_probe_steps[context]) new_probe_hits.emplace_back(context, step);
  }
  const std::uint64_t edits = 1 + dice.below(max_stacked_mutations);
  for (std::uint64_t e = 0; e < edits; ++e) {
    const std::size_t context = dice.below(tapes.size());
    static const std::vector<std::uint64_t> no_steps;
    const auto& fire_steps = context < base.fault_fire_steps.size() ? base.fault_fire_steps[context] : no_steps;
    apply(draw_mutation(dice), tapes[context], fire_steps, base, other, context, dice);
    normalise(tapes[context]);
  }
  if (!new_probe_hits.empty()) {
    const auto [context, step] = *random_position(new_probe_hits, dice);
    run_earlier(tapes[context].schedule, step, dice);
    normalise(tapes[context]);
  }
  return tapes;
}

}  // namespace loopcheck::harness
