#include "loopcheck/harness/shrink.hpp"

#include <algorithm>
#include <set>

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

}  // namespace

shrink_result shrink(const scenario& family, const run_spec& failing, const run_result& failure, std::uint64_t max_attempts) {
  const auto kinds = kinds_of(failure);
  shrink_result best{failing, failure, 0};
  // Try a candidate value for one option; keep it when the run still fails.
  auto try_value = [&](const std::string& name, std::int64_t value) {
    if (best.attempts >= max_attempts) return false;
    run_spec candidate = best.minimal;
    candidate.options[name] = value;
    ++best.attempts;
    run_result outcome = family.run(candidate);
    if (!still_fails(outcome, kinds)) return false;
    best.minimal = std::move(candidate);
    best.outcome = std::move(outcome);
    return true;
  };
  // Each pass lowers some option or ends; every option only decreases, so passes are bounded
  // by the sum of the options' ranges, and attempts by max_attempts.
  for (bool progressed = true; progressed && best.attempts < max_attempts;) {
    progressed = false;
    for (const auto& o : family.options()) {
      const std::int64_t current = best.minimal.option(o.name);
      if (current <= o.min_value) continue;
      if (try_value(o.name, o.min_value)) {
        progressed = true;
        continue;
      }
      for (std::int64_t step = (current - o.min_value) / 2; step >= 1; step /= 2) {
        if (try_value(o.name, best.minimal.option(o.name) - step)) progressed = true;
      }
    }
  }
  return best;
}

}  // namespace loopcheck::harness
