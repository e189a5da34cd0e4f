#pragma once
// The seeded stress workload: mutation i of seed S is a deterministic batched update (a few
// sets and erases over a small key space) that also sets "_count" to i + 1, so a recovered
// file says how many mutations it holds and stress_expected() says what it must then be.
#include <boost/json.hpp>
#include <cstdint>

#include "loopcheck/pdict/mutation.hpp"

namespace loopcheck::pdict {

mutation stress_mutation(std::uint64_t seed, std::uint64_t index);

// The contents after the first `count` mutations of `seed`.
boost::json::object stress_expected(std::uint64_t seed, std::uint64_t count);

}  // namespace loopcheck::pdict
