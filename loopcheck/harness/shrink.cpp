#include "loopcheck/harness/shrink.hpp"

#include <algorithm>
#include <set>

#include "loopcheck/harness/scenario_run.hpp"

namespace loopcheck::harness {

namespace {

std::set<finding_kind> kinds_of(const run_result& r) {
  std::set<finding_kind> kinds;
  for (const auto& f : r.findings) kinds.insert(f.kind);
  return kinds;
}

bool still_fails(const run_result& r, const std::set<finding_kind>& kinds) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const finding& f) { return kinds.count(f.kind) != 0; });
}

class shrinker {
 public:
  shrinker(const scenario& family, const run_spec& failing, const run_result& failure, std::uint64_t max_attempts)
      : family_(family), kinds_(kinds_of(failure)), max_attempts_(max_attempts), best_{failing, failure, 0} {}

  shrink_result run() {
    shrink_options();
    shrink_choices();
    return std::move(best_);
  }

 private:
  bool out_of_attempts() const { return best_.attempts >= max_attempts_; }

  // Runs `candidate`; keeps it when it still fails. A kept candidate's tape is what the run
  // actually chose, so entries the run no longer reached drop out.
  bool try_candidate(run_spec candidate) {
    if (out_of_attempts()) return false;
    ++best_.attempts;
    run_result outcome = run_scenario(family_, candidate);
    if (!still_fails(outcome, kinds_)) return false;
    if (candidate.choices) candidate.choices = outcome.choices;
    best_.minimal = std::move(candidate);
    best_.outcome = std::move(outcome);
    return true;
  }

  // Each pass lowers some option or ends; every option only decreases, so passes are bounded
  // by the sum of the options' ranges, and attempts by max_attempts.
  void shrink_options() {
    for (bool progressed = true; progressed && !out_of_attempts();) {
      progressed = false;
      for (const auto& o : family_.options()) {
        const std::int64_t current = best_.minimal.option(o.name);
        if (current <= o.min_value) continue;
        if (try_option(o.name, o.min_value)) {
          progressed = true;
          continue;
        }
        for (std::int64_t step = (current - o.min_value) / 2; step >= 1; step /= 2) {
          if (try_option(o.name, best_.minimal.option(o.name) - step)) progressed = true;
        }
      }
    }
  }

  bool try_option(const std::string& name, std::int64_t value) {
    run_spec candidate = best_.minimal;
    candidate.options[name] = value;
    return try_candidate(std::move(candidate));
  }

  // Hypothesis-style: record the failing run's choices as a tape, then delete its entries
  // (runs of scheduling choices, halving the run length; single fault firings), merge adjacent
  // scheduling choices into one and lower the scheduling indices, keeping each edit that still
  // fails. A kept deletion or merge makes the tape shorter and a kept lowering makes an index
  // smaller, so the passes end; attempts are bounded by max_attempts besides.
  void shrink_choices() {
    if (best_.minimal.mode != run_mode::sim || out_of_attempts()) return;
    if (!best_.minimal.choices) {
      ++best_.attempts;  // one run to record the choices the failing run makes
      run_spec taped = best_.minimal;
      taped.choices = run_scenario(family_, best_.minimal).choices;
      if (!try_candidate(std::move(taped))) return;  // its tape does not reproduce the failure
    }
    for (bool progressed = true; progressed && !out_of_attempts();) {
      progressed = false;
      for (std::size_t c = 0; c < best_.minimal.choices.value().size(); ++c) {
        progressed |= delete_schedule_runs(c);
        progressed |= merge_adjacent_choices(c);
        progressed |= delete_faults(c);
        progressed |= lower_indices(c);
      }
    }
  }

  const sim::choice_tape& tape(std::size_t context) const { return best_.minimal.choices.value()[context]; }

  // Tries the best run with context `context`'s tape changed by `edit`.
  template <typename Edit>
  bool try_tape_edit(std::size_t context, Edit edit) {
    std::vector<sim::choice_tape> tapes = best_.minimal.choices.value();
    edit(tapes[context]);
    run_spec candidate = best_.minimal;
    candidate.choices = std::move(tapes);
    return try_candidate(std::move(candidate));
  }

  bool delete_schedule_runs(std::size_t context) {
    bool progressed = false;
    for (std::size_t length = std::max<std::size_t>(1, tape(context).schedule.size() / 2); length >= 1; length /= 2) {
      // From the end: a later choice removed leaves the earlier ones' steps meaningful.
      for (std::size_t end = tape(context).schedule.size(); end >= length && !out_of_attempts();) {
        const auto first = static_cast<std::ptrdiff_t>(end - length);
        const bool kept = try_tape_edit(context, [&](sim::choice_tape& t) {
          t.schedule.erase(t.schedule.begin() + first, t.schedule.begin() + first + static_cast<std::ptrdiff_t>(length));
        });
        progressed |= kept;
        end = kept ? std::min(end - length, tape(context).schedule.size()) : end - 1;
      }
    }
    return progressed;
  }

  // Two decisions often do the work of one: run X early, then Y early, where picking Y at the
  // first step would do. Tries each adjacent pair as one choice at the first's step, with the
  // first few indices.
  bool merge_adjacent_choices(std::size_t context) {
    constexpr std::uint64_t max_merged_index = 8;
    bool progressed = false;
    for (std::size_t i = 0; i + 1 < tape(context).schedule.size() && !out_of_attempts(); ++i) {
      for (std::uint64_t index = 1; index <= max_merged_index && !out_of_attempts(); ++index) {
        const bool kept = try_tape_edit(context, [&](sim::choice_tape& t) {
          t.schedule[i].index = index;
          t.schedule.erase(t.schedule.begin() + static_cast<std::ptrdiff_t>(i + 1));
        });
        if (kept) {
          progressed = true;
          break;
        }
      }
    }
    return progressed;
  }

  bool delete_faults(std::size_t context) {
    bool progressed = false;
    for (std::size_t i = tape(context).faults.size(); i > 0 && !out_of_attempts(); --i) {
      if (i > tape(context).faults.size()) continue;
      progressed |= try_tape_edit(context, [&](sim::choice_tape& t) { t.faults.erase(t.faults.begin() + static_cast<std::ptrdiff_t>(i - 1)); });
    }
    return progressed;
  }

  bool lower_indices(std::size_t context) {
    bool progressed = false;
    for (std::size_t i = 0; i < tape(context).schedule.size() && !out_of_attempts(); ++i) {
      if (tape(context).schedule[i].index <= 1) continue;
      progressed |= try_tape_edit(context, [&](sim::choice_tape& t) { t.schedule[i].index = 1; });
    }
    return progressed;
  }

  const scenario& family_;
  const std::set<finding_kind> kinds_;
  const std::uint64_t max_attempts_;
  shrink_result best_;
};

}  // namespace

shrink_result shrink(const scenario& family, const run_spec& failing, const run_result& failure, std::uint64_t max_attempts) {
  return shrinker(family, failing, failure, max_attempts).run();
}

}  // namespace loopcheck::harness
