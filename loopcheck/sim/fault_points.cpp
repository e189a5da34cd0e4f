#include "loopcheck/sim/fault_points.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "loopcheck/sim/fnv1a.hpp"
#include "loopcheck/sim/sim_context.hpp"

namespace loopcheck::sim {

fault_points::fault_points(sim_context& context, std::uint64_t seed, const choice_tape* replay)
    : asio::execution_context::service(context),
      context_(context),
      seed_(seed),
      replay_(replay),
      fire_random_(mix64(seed ^ 0xb0661f7b0661f7b0ULL)) {}

bool fault_points::buggify(std::string_view site) {
  auto it = coverage_.fault_sites.find(site);
  if (it == coverage_.fault_sites.end()) {
    // A name a tape cannot hold would make a failing run's minimal replay token unreadable.
    if (!is_valid_fault_site_name(site)) {
      throw std::invalid_argument(fmt::format(
          "fault site name '{}' cannot go on a replay tape: use letters, digits, '.', '-' and '_'", site));
    }
    // Without a tape, activation is a pure function of (seed, site): the same sites are active
    // however differently the program reaches them. With one, the sites the tape fires.
    const fault_profile& profile = context_.options().faults;
    const std::uint64_t key = profile.activation_key.value_or(seed_);
    const bool active = replay_ != nullptr ? replay_->mentions(site)
                                           : unit_interval(mix64(key ^ fnv1a_64(site))) < profile.activation_probability;
    it = coverage_.fault_sites.emplace(std::string(site), fault_site_stats{active, 0, 0}).first;
  }
  fault_site_stats& stats = it->second;
  ++stats.reached;
  const bool fire = replay_ != nullptr ? replay_->fires(site, stats.reached)
                                      : stats.active && fire_random_.chance(context_.options().faults.fire_probability);
  if (fire) {
    ++stats.fired;
    fired_.push_back({std::string(site), stats.reached});
    fired_steps_.push_back(current_step());
  }
  // Whether the site was active is left out: a replayed tape knows only where sites fired.
  context_.record_eventf("buggify", "{} {}", site, fire ? "fired" : "held");
  return fire;
}

void fault_points::probe(std::string_view name) {
  auto it = coverage_.probes.find(name);
  if (it == coverage_.probes.end()) {
    it = coverage_.probes.emplace(std::string(name), 0).first;
    probe_steps_.emplace(std::string(name), std::vector<std::uint64_t>{});
  }
  ++it->second;
  auto& steps = probe_steps_.find(name)->second;
  if (steps.size() < max_recorded_probe_hits) steps.push_back(current_step());
  context_.record_event("probe", name);
}

// steps() counts the handlers started, the one running included.
std::uint64_t fault_points::current_step() const { return context_.steps() == 0 ? 0 : context_.steps() - 1; }

namespace {
// The fault points of `ex`'s context, or null on a real context. Only sim_context installs
// the service (its constructor takes a sim_context), which is what makes the cast safe.
fault_points* fault_points_of(const asio::any_io_executor& ex) {
  auto& context = asio::query(ex, asio::execution::context);
  if (!asio::has_service<fault_points>(context)) return nullptr;
  return &static_cast<sim_context&>(context).faults();
}
}  // namespace

bool buggify(const asio::any_io_executor& ex, std::string_view site) {
  fault_points* faults = fault_points_of(ex);
  return faults != nullptr && faults->buggify(site);
}

void probe(const asio::any_io_executor& ex, std::string_view name) {
  if (fault_points* faults = fault_points_of(ex)) faults->probe(name);
}

}  // namespace loopcheck::sim
