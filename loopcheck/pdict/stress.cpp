#include "loopcheck/pdict/stress.hpp"

#include <fmt/format.h>

namespace loopcheck::pdict {

namespace {

constexpr std::uint64_t key_space = 32;
constexpr std::uint64_t max_ops_per_mutation = 4;

// splitmix64: a fixed, platform-independent mix, so a seed means the same workload everywhere.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

mutation stress_mutation(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t draw = mix(mix(seed) ^ index);
  auto next = [&draw] { return draw = mix(draw); };
  mutation m;
  const std::uint64_t op_count = 1 + next() % max_ops_per_mutation;
  for (std::uint64_t op = 0; op < op_count; ++op) {
    const std::string key = fmt::format("k{}", next() % key_space);
    switch (next() % 4) {
      case 0: m.erase(key); break;
      case 1: m.set(key, boost::json::string(fmt::format("v{}-{}", index, op))); break;
      default: m.set(key, static_cast<std::int64_t>(next() % 1'000'000)); break;
    }
  }
  m.set("_count", static_cast<std::int64_t>(index + 1));
  return m;
}

boost::json::object stress_expected(std::uint64_t seed, std::uint64_t count) {
  dict_data data;
  for (std::uint64_t i = 0; i < count; ++i) apply_mutation(data, stress_mutation(seed, i));
  return to_json(data);
}

}  // namespace loopcheck::pdict
