#pragma once
// The scenario families linked into the program, by name.
#include <memory>
#include <string_view>
#include <vector>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

class scenario_registry {
 public:
  static scenario_registry& instance();
  void add(std::unique_ptr<scenario> family);
  const scenario* find(std::string_view name) const;
  // Sorted by name.
  std::vector<const scenario*> all() const;

 private:
  std::vector<std::unique_ptr<scenario>> families_;
};

namespace detail {
template <typename Scenario>
struct registrar {
  registrar() { scenario_registry::instance().add(std::make_unique<Scenario>()); }
};
}  // namespace detail

}  // namespace loopcheck::harness

#define LOOPCHECK_REGISTER_SCENARIO(Scenario) \
  static const ::loopcheck::harness::detail::registrar<Scenario> loopcheck_registrar_##Scenario
