#include "loopcheck/runtime/background_service.hpp"

#include <utility>

namespace loopcheck {

namespace {
thread_local bool declaring_background_services = false;
}  // namespace

background_service_spawns::background_service_spawns() noexcept
    : outer_(std::exchange(declaring_background_services, true)) {}

background_service_spawns::~background_service_spawns() { declaring_background_services = outer_; }

bool background_service_spawns::active() noexcept { return declaring_background_services; }

}  // namespace loopcheck
