#include "loopcheck/harness/scenario_registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loopcheck::harness {

std::string_view to_string(run_mode mode) { return mode == run_mode::sim ? "sim" : "real"; }

std::int64_t run_spec::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) throw std::logic_error("scenario option '" + name + "' is not declared by " + family);
  return it->second;
}

scenario_registry& scenario_registry::instance() {
  static scenario_registry registry;
  return registry;
}

void scenario_registry::add(std::unique_ptr<scenario> family) {
  if (find(family->name()) != nullptr) throw std::logic_error("scenario '" + std::string(family->name()) + "' registered twice");
  families_.push_back(std::move(family));
}

const scenario* scenario_registry::find(std::string_view name) const {
  for (const auto& f : families_) {
    if (f->name() == name) return f.get();
  }
  return nullptr;
}

std::vector<const scenario*> scenario_registry::all() const {
  std::vector<const scenario*> out;
  for (const auto& f : families_) out.push_back(f.get());
  std::sort(out.begin(), out.end(), [](const scenario* a, const scenario* b) { return a->name() < b->name(); });
  return out;
}

}  // namespace loopcheck::harness
