#pragma once
// Fault injection in sim_vfs, as SQLite's test VFS does it: fail the Nth eligible operation,
// once or every one from N on. A workload is swept with N = 1, 2, … (see fault_sweep.hpp)
// until a run completes without reaching N: then every operation has been failed once.
//
// Which operations count toward N depends on the fault:
//  * eio:         every call, reads included (a read can fail on a bad sector);
//  * enospc:      calls that may allocate: create, create_directory, write_at, append,
//                 truncate, rename and both fsyncs (delayed allocation fails at fsync);
//  * short_write: write_at and append. The write persists its first half (rounded down, so a
//                 1-byte write persists nothing) — volatile, as any write — and then throws
//                 vfs::error(ENOSPC) whose message says how many bytes were written. The
//                 interface never reports a short count as success: that is what a real
//                 write loop sees when the retry of the rest fails.
//  * fsync_eio:   fsync_file only; it fails with EIO — a writeback error. What happens to the
//                 file's unsynced writes is the sim_vfs's fsync_failure_profile (crash_model.hpp).
// A failing operation other than a short write or an fsync changes nothing.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace loopcheck::vfs {

enum class fault_kind : std::uint8_t { eio, enospc, short_write, fsync_eio };
enum class fault_repeat : std::uint8_t { once, from_then_on };

std::string_view to_string(fault_kind kind);

struct fault_plan {
  fault_kind kind = fault_kind::eio;
  std::size_t fail_at_operation = 1;  // 1-based: the first eligible operation is 1
  fault_repeat repeat = fault_repeat::once;
};

}  // namespace loopcheck::vfs
