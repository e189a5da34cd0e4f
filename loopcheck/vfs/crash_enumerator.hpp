#pragma once
// Crash-state enumeration (after ALICE): for a workload recorded by a sim_vfs, every crash
// point — before the first logged operation and after each one — times a bounded number of
// survival choices (nth_crash_choice: synced-only, everything, then seeded random subsets)
// yields a post-crash state. Each state is handed, as a fresh sim_vfs, to an invariant; the
// report counts the states checked and names each failure by (crash point, choice), which
// sim_vfs::crash_state(crash_point, choice) rebuilds exactly.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/vfs/crash_model.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"

namespace loopcheck::vfs {

struct crash_case {
  std::size_t crash_point = 0;   // logged operations completed before the crash
  std::size_t choice_index = 0;  // which nth_crash_choice
  crash_choice choice;
  std::string after_operation;   // description of the last completed operation, or "start"
};

std::string describe(const crash_case& where);

struct crash_failure {
  crash_case where;
  std::string message;
};

struct crash_enumeration_options {
  // Survival choices tried per crash point; a point whose operations are all durable has one
  // possible state and is checked once.
  std::size_t max_states_per_point = 8;
  std::uint64_t seed = 0;
  // Failures kept in the report (all are counted).
  std::size_t max_failures_kept = 32;
};

struct crash_enumeration_report {
  std::size_t states_checked = 0;
  std::size_t states_failed = 0;
  std::vector<crash_failure> failures;  // the first max_failures_kept

  // "checked N states, M failed" plus one line per kept failure.
  std::string summary() const;
};

// Returns a violation message, or nullopt when the crashed state is acceptable. An exception
// escaping it counts as a violation with the exception's message. The sim_vfs starts from the
// crashed state with the recorded profile, so recovery code can run against it.
using crash_invariant = std::function<std::optional<std::string>(sim_vfs& crashed, const crash_case& where)>;

crash_enumeration_report enumerate_crash_states(const sim_vfs& recorded, const crash_enumeration_options& options,
                                                const crash_invariant& invariant);

}  // namespace loopcheck::vfs
