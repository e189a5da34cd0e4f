#pragma once
// The simulator's only source of randomness: xoshiro256** seeded through splitmix64. Every
// draw is specified bit for bit here (no std::*_distribution, whose output differs between
// standard libraries), so a seed replays identically with any compiler.
#include <array>
#include <cstdint>

namespace loopcheck::sim {

// The splitmix64 finaliser: a stateless 64-bit mix, good for deriving independent streams.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class sim_random {
 public:
  explicit sim_random(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, bound); bound must be positive. Rejection sampling keeps it unbiased.
  std::uint64_t below(std::uint64_t bound);
  // True with the given probability (0 ≤ probability ≤ 1), from 53 random bits.
  bool chance(double probability);

 private:
  std::array<std::uint64_t, 4> state_{};
};

// A probability in [0, 1) drawn from one 64-bit value: what `chance` compares against.
constexpr double unit_interval(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

}  // namespace loopcheck::sim
