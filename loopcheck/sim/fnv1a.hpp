#pragma once
// FNV-1a, 64 bit: a tiny, portable, seed-free byte hash. The simulator hashes its event stream
// and fault-site names with it, so a run's identity never depends on the platform's std::hash.
#include <cstdint>
#include <string_view>

namespace loopcheck::sim {

inline constexpr std::uint64_t fnv1a_offset_basis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv1a_prime = 0x100000001b3ULL;

constexpr std::uint64_t fnv1a_64(std::string_view bytes, std::uint64_t state = fnv1a_offset_basis) {
  for (const char c : bytes) {
    state ^= static_cast<std::uint8_t>(c);
    state *= fnv1a_prime;
  }
  return state;
}

// Folds a whole 64-bit word into the state in one step (FNV-1a's xor-multiply on the word,
// then the high half folded down so later steps mix it too): the event log hashes several
// integers per simulated step, and byte-at-a-time costs eight multiplies per word. Platform-
// independent: it works on the value, not its bytes.
constexpr std::uint64_t hash_word(std::uint64_t value, std::uint64_t state) {
  state = (state ^ value) * fnv1a_prime;
  return state ^ (state >> 32);
}

}  // namespace loopcheck::sim
