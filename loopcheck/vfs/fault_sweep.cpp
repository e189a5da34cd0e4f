#include "loopcheck/vfs/fault_sweep.hpp"

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::vfs {

fault_sweep_result sweep_faults(const file_tree& initial, const fault_sweep_options& options,
                                const std::function<void(sim_vfs& fs, std::size_t fail_at_operation)>& workload) {
  LOOPCHECK_INVARIANT(workload);
  fault_sweep_result result;
  for (std::size_t fail_at_operation = 1; fail_at_operation <= options.max_runs; ++fail_at_operation) {
    sim_vfs fs(initial, {.profile = options.profile,
                         .fault = fault_plan{.kind = options.kind,
                                             .fail_at_operation = fail_at_operation,
                                             .repeat = options.repeat}});
    workload(fs, fail_at_operation);
    ++result.runs;
    if (fs.faults_injected() == 0) {
      result.completed = true;
      return result;
    }
    ++result.faulted_runs;
  }
  return result;
}

}  // namespace loopcheck::vfs
