#pragma once
// Every task registry alive in the process, so a check that spans execution contexts (the test
// fixture's still_running check) finds the tasks of contexts nobody handed it: a loop owned by
// a global fixture, a static one, one a library made on its own.
#include <cstddef>
#include <memory>
#include <vector>

namespace loopcheck {

class registry_core;

// Far more live execution contexts than any program makes; past it enlisting throws.
inline constexpr std::size_t max_live_registries = 1 << 16;

// Adds `core`; it leaves the directory when it is destroyed (weakly held).
void enlist_registry(const std::shared_ptr<registry_core>& core);

// The registries whose core is still alive, oldest first.
std::vector<std::shared_ptr<registry_core>> live_registries();

}  // namespace loopcheck
