// The replay token (loopcheck/harness/replay_token.hpp) against the registered scenario
// families, as `loopcheck replay` reads it: any text parses, or is refused with an error
// message — never an exception or a crash. A parsed token prints (to_replay_token) as a token
// that parses back to the same run.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_contract.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/scenario_registry.hpp"

namespace harness = loopcheck::harness;
using loopcheck_fuzz::require;

namespace {

bool same_run(const harness::run_spec& a, const harness::run_spec& b) {
  return a.family == b.family && a.variant == b.variant && a.seed == b.seed && a.strategy == b.strategy &&
         a.mode == b.mode && a.options == b.options && a.choices == b.choices;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto spec = harness::parse_replay_token(token, error);
  if (!spec) {
    require(!error.empty(), "a refused token without an error message");
    return 0;
  }
  const auto* family = harness::scenario_registry::instance().find(spec->family);
  require(family != nullptr, "a parsed token names an unregistered family");
  const std::string printed = harness::to_replay_token(*spec, *family);
  std::string again_error;
  const auto again = harness::parse_replay_token(printed, again_error);
  require(again && same_run(*again, *spec), "a parsed token does not print as a token that parses back to it");
  return 0;
}
