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

// Hashes the value's eight bytes little-endian first, whatever the host byte order.
constexpr std::uint64_t fnv1a_64(std::uint64_t value, std::uint64_t state) {
  for (int byte = 0; byte < 8; ++byte) {
    state ^= (value >> (8 * byte)) & 0xffU;
    state *= fnv1a_prime;
  }
  return state;
}

}  // namespace loopcheck::sim
