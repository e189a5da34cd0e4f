#include "loopcheck/runtime/registry_directory.hpp"

#include <fmt/format.h>
#include <mutex>
#include <stdexcept>

namespace loopcheck {

namespace {
std::mutex directory_mutex;
std::vector<std::weak_ptr<registry_core>>& directory() {  // guarded by directory_mutex
  static std::vector<std::weak_ptr<registry_core>> registries;
  return registries;
}
}  // namespace

void enlist_registry(const std::shared_ptr<registry_core>& core) {
  std::lock_guard lock(directory_mutex);
  auto& registries = directory();
  // Forgetting the dead here keeps the list as long as the live contexts, without a hook in
  // the core's destructor.
  std::erase_if(registries, [](const std::weak_ptr<registry_core>& r) { return r.expired(); });
  if (registries.size() == max_live_registries) {
    throw std::length_error(fmt::format("more than {} live execution contexts", max_live_registries));
  }
  registries.push_back(core);
}

std::vector<std::shared_ptr<registry_core>> live_registries() {
  std::lock_guard lock(directory_mutex);
  std::vector<std::shared_ptr<registry_core>> live;
  for (const auto& r : directory()) {
    if (auto core = r.lock()) live.push_back(std::move(core));
  }
  return live;
}

}  // namespace loopcheck
