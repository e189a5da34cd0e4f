#include "loopcheck/vfs/crash_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::vfs {

namespace {

// splitmix64: a tiny generator whose output is fixed by its definition, unlike the standard
// distributions, so a seed gives the same crash state on every platform and library.
class seeded_random {
 public:
  explicit seeded_random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  bool coin() { return (next() & 1) != 0; }
  // Uniform enough in [0, bound) for choosing among a handful of outcomes.
  std::uint64_t below(std::uint64_t bound) {
    LOOPCHECK_INVARIANT(bound > 0);
    return next() % bound;
  }

 private:
  std::uint64_t state_;
};

bool is_durable(const operation& op, std::size_t crash_point) {
  return op.durable_after.has_value() && *op.durable_after < crash_point;
}

bool is_lost(const operation& op, std::size_t crash_point) {
  return op.lost_from.has_value() && *op.lost_from <= crash_point;
}

// Applies `op` (a write) with each aligned block kept or lost; lost blocks beyond the old end
// of file read as zeros or, when `garbage_tail`, as garbage.
void apply_torn_write(file_tree& tree, const operation& op, std::uint64_t block_size_bytes, bool garbage_tail,
                      seeded_random& random) {
  LOOPCHECK_INVARIANT(op.kind == operation_kind::write);
  const std::uint64_t old_size_bytes = tree.size_of(op.node);
  const std::uint64_t end_bytes = op.offset_bytes + op.data.size();
  if (end_bytes > old_size_bytes) tree.resize(op.node, end_bytes);
  const std::uint64_t block_count = op.data.size() / block_size_bytes + 2;
  std::uint64_t block_begin = op.offset_bytes;
  for (std::uint64_t block = 0; block_begin < end_bytes; ++block) {
    LOOPCHECK_INVARIANT(block < block_count);
    const std::uint64_t block_end = std::min(end_bytes, (block_begin / block_size_bytes + 1) * block_size_bytes);
    if (random.coin()) {
      tree.write(op.node, block_begin,
                 std::string_view(op.data).substr(block_begin - op.offset_bytes, block_end - block_begin));
    } else if (garbage_tail && block_end > old_size_bytes) {
      const std::uint64_t garbage_begin = std::max(block_begin, old_size_bytes);
      std::string garbage(block_end - garbage_begin, '\0');
      // Any byte but zero (a lost block that reads as zeros is the other case): newlines,
      // digits and braces included, so garbage can look like the start of a record.
      for (char& byte : garbage) {
        const auto value = static_cast<unsigned char>(random.next() & 0xffu);
        byte = static_cast<char>(value == 0 ? 0xffu : value);
      }
      tree.write(op.node, garbage_begin, garbage);
    }
    block_begin = block_end;
  }
}

}  // namespace

std::string_view to_string(rename_profile profile) {
  return profile == rename_profile::posix_weak ? "posix_weak" : "atomic_rename";
}

std::string_view to_string(fsync_failure_profile profile) {
  return profile == fsync_failure_profile::drops_unsynced ? "drops_unsynced" : "keeps_unsynced";
}

std::string describe(const crash_choice& choice) {
  switch (choice.kind) {
    case survival::synced_only: return "synced_only";
    case survival::everything: return "everything";
    case survival::random_subset: return fmt::format("random_subset(seed={})", choice.seed);
  }
  return "unknown";
}

crash_choice nth_crash_choice(std::uint64_t base_seed, std::size_t crash_point, std::size_t index) {
  if (index == 0) return {.kind = survival::synced_only};
  if (index == 1) return {.kind = survival::everything};
  seeded_random mix(base_seed ^ (std::uint64_t{crash_point} * 0x9e3779b97f4a7c15ull) ^ std::uint64_t{index} << 32);
  return {.kind = survival::random_subset, .seed = mix.next()};
}

std::size_t volatile_operation_count(std::span<const operation> log, std::size_t crash_point) {
  LOOPCHECK_INVARIANT(crash_point <= log.size());
  std::size_t count = 0;
  for (std::size_t i = 0; i < crash_point; ++i) {
    const operation& op = log[i];
    if ((changes_directory(op.kind) || changes_data(op.kind)) && !is_durable(op, crash_point) &&
        !is_lost(op, crash_point)) {
      ++count;
    }
  }
  return count;
}

file_tree crash_state(const file_tree& base, std::span<const operation> log, std::size_t crash_point,
                      const crash_choice& choice) {
  LOOPCHECK_INVARIANT(crash_point <= log.size());
  const auto ops = log.first(crash_point);

  std::size_t directory_op_count = 0;
  std::size_t durable_directory_prefix = 0;  // directory ops up to the last durable one
  for (const operation& op : ops) {
    if (!changes_directory(op.kind)) continue;
    ++directory_op_count;
    if (is_durable(op, crash_point)) durable_directory_prefix = directory_op_count;
  }

  seeded_random random(choice.seed);
  std::size_t kept_directory_ops = durable_directory_prefix;
  if (choice.kind == survival::everything) kept_directory_ops = directory_op_count;
  if (choice.kind == survival::random_subset) {
    kept_directory_ops += random.below(directory_op_count - durable_directory_prefix + 1);
  }
  const std::uint64_t block_size_bytes = random.coin() ? 512 : 4096;
  const bool garbage_tail = random.coin();

  file_tree tree = base;
  std::size_t directory_ops_seen = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const operation& op = ops[i];
    if (changes_directory(op.kind)) {
      if (directory_ops_seen++ < kept_directory_ops) apply(tree, op);
      continue;
    }
    if (!changes_data(op.kind) || !tree.has_inode(op.node)) continue;  // syncs; files a crash lost
    if (is_lost(op, crash_point)) continue;                             // dropped by a failed fsync
    if (is_durable(op, crash_point) || choice.kind == survival::everything) {
      apply(tree, op);
      continue;
    }
    if (choice.kind == survival::synced_only || !random.coin()) continue;
    if (op.kind == operation_kind::write && random.coin()) {
      apply_torn_write(tree, op, block_size_bytes, garbage_tail, random);
    } else {
      apply(tree, op);
    }
  }
  return tree;
}

}  // namespace loopcheck::vfs
