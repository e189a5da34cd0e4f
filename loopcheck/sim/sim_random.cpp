#include "loopcheck/sim/sim_random.hpp"

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::sim {

namespace {
constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

sim_random::sim_random(std::uint64_t seed) {
  // Consecutive splitmix64 outputs: never all zero, which xoshiro's state must not be.
  for (std::size_t i = 0; i < state_.size(); ++i) state_[i] = mix64(seed + i * 0x9e3779b97f4a7c15ULL);
}

std::uint64_t sim_random::next() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::uint64_t sim_random::below(std::uint64_t bound) {
  LOOPCHECK_INVARIANT(bound > 0);
  // Reject the top partial copy of [0, bound) so every residue is equally likely. At least
  // half of all values are accepted, so the expected number of draws is below two.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  constexpr int max_draws = 128;  // failing 128 coin flips in a row means a broken generator
  for (int draw = 0;; ++draw) {
    LOOPCHECK_INVARIANT(draw < max_draws && "sim_random::below: rejection sampling did not terminate");
    const std::uint64_t x = next();
    if (x < limit) return x % bound;
  }
}

bool sim_random::chance(double probability) {
  LOOPCHECK_INVARIANT(probability >= 0.0 && probability <= 1.0);
  return unit_interval(next()) < probability;
}

}  // namespace loopcheck::sim
