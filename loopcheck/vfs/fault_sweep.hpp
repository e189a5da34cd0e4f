#pragma once
// The SQLite-style fault loop: run a workload with its Nth eligible operation failing, for
// N = 1, 2, …, each on a fresh sim_vfs, until a run injects no fault (the workload has fewer
// than N eligible operations: every one of them has been failed once). The workload checks
// its own outcome (e.g. "the error reached the caller and the old file is intact").
#include <cstddef>
#include <functional>

#include "loopcheck/vfs/fault_plan.hpp"
#include "loopcheck/vfs/file_tree.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"

namespace loopcheck::vfs {

struct fault_sweep_options {
  fault_kind kind = fault_kind::eio;
  fault_repeat repeat = fault_repeat::once;
  rename_profile profile = rename_profile::posix_weak;
  // A workload that still faults after this many runs makes the sweep stop incomplete.
  std::size_t max_runs = 1000;
};

struct fault_sweep_result {
  std::size_t runs = 0;          // including the final fault-free one
  std::size_t faulted_runs = 0;  // runs in which the fault fired
  bool completed = false;        // a fault-free run was reached within max_runs
};

// `workload` receives the run's sim_vfs (starting from `initial`) and N.
fault_sweep_result sweep_faults(const file_tree& initial, const fault_sweep_options& options,
                                const std::function<void(sim_vfs& fs, std::size_t fail_at_operation)>& workload);

}  // namespace loopcheck::vfs
