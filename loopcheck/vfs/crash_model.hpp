#pragma once
// What survives a crash. Given the durable base state and the operation log, the state after
// a crash at `crash_point` (after that many logged operations) is the base plus:
//
//  * every durable operation (its durable_after index is below the crash point), never one
//    that a failed fsync dropped before the crash point (see fsync_failure_profile);
//  * directory operations (create, rename, unlink) as a program-order prefix: the cut falls
//    anywhere at or after the last durable one. This is how journaling file systems commit
//    metadata (in order), and it keeps a rename from surviving without the create it moves.
//    Limit: syncing one directory therefore also keeps earlier entries of other directories;
//    a protocol relying on that passes here and could fail on a file system without ordered
//    metadata;
//  * any subset of the volatile data operations (writes, truncates) of files whose inode
//    survived. Dirty pages reach the disk in no particular order, so any subset is possible
//    (not only a prefix); a write whose file's creation was lost reaches nothing. A kept write
//    may be torn: each 512- or 4096-byte aligned block of it persists or not; the part of a
//    torn write beyond the old end of file (an append) reads as zeros or garbage.
//
// Two rename profiles decide when a rename becomes durable:
//  * posix_weak: only when its directory is fsync'd later (as POSIX promises: nothing more).
//    A rename without a later fsync_dir may be lost, and the renamed file's data is durable
//    only if it was fsync'd.
//  * atomic_rename: the rename is durable and atomic once it returns, and so is the data
//    written to the renamed file before it (the commit carrying the rename flushes that data
//    first), as with ext4's data=ordered mode and its replace-via-rename heuristic. A
//    write-temp-then-rename without any fsync is safe under this profile and not under
//    posix_weak: the difference the two profiles exist to show.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "loopcheck/vfs/file_tree.hpp"
#include "loopcheck/vfs/operation.hpp"

namespace loopcheck::vfs {

enum class rename_profile : std::uint8_t { posix_weak, atomic_rename };
std::string_view to_string(rename_profile profile);

// What a failed fsync_file does to the file's unsynced writes.
//  * drops_unsynced (the default, Linux since the 2018 "fsyncgate" discussion): writeback
//    failed, the dirty pages are marked clean and may be evicted; the data is never durable,
//    and a later fsync of the file succeeds without it. Reads still see the data until a crash
//    (the page cache keeps it), which is what makes a retried fsync look trustworthy.
//  * keeps_unsynced (optimistic): the failed fsync changes nothing and a later fsync makes the
//    data durable. Useful only to show what drops_unsynced catches.
enum class fsync_failure_profile : std::uint8_t { drops_unsynced, keeps_unsynced };
std::string_view to_string(fsync_failure_profile profile);

// Which volatile operations a crash keeps.
enum class survival : std::uint8_t {
  synced_only,    // none: the state a pessimistic crash leaves
  everything,     // all, untorn: the state just before the crash
  random_subset,  // a seed-chosen subset, writes possibly torn
};

struct crash_choice {
  survival kind = survival::random_subset;
  std::uint64_t seed = 0;  // used by random_subset only
};

std::string describe(const crash_choice& choice);

// The enumerator's `index`-th choice at a crash point: 0 keeps what was synced, 1 everything,
// from 2 on seeded random subsets whose seed mixes base_seed, crash_point and index.
crash_choice nth_crash_choice(std::uint64_t base_seed, std::size_t crash_point, std::size_t index);

// The durable state after a crash at `crash_point` (0 ≤ crash_point ≤ log.size()).
// Deterministic: the same arguments always give the same tree.
file_tree crash_state(const file_tree& base, std::span<const operation> log, std::size_t crash_point,
                      const crash_choice& choice);

// How many log operations before `crash_point` a crash may lose; 0 means one possible state.
std::size_t volatile_operation_count(std::span<const operation> log, std::size_t crash_point);

}  // namespace loopcheck::vfs
