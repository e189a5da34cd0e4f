// The choice tape's text form (loopcheck/sim/choice_tape.hpp), as it comes in a replay token:
// any text parses, or is refused with an error message — never an exception or a crash. A
// parsed tape prints as text that parses back to the same tape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_contract.hpp"
#include "loopcheck/sim/choice_tape.hpp"

namespace sim = loopcheck::sim;
using loopcheck_fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto tape = sim::parse_choice_tape(text, error);
  if (!tape) {
    require(!error.empty(), "a refused tape without an error message");
    return 0;
  }
  const std::string printed = sim::to_string(*tape);
  std::string again_error;
  const auto again = sim::parse_choice_tape(printed, again_error);
  require(again && *again == *tape, "a parsed tape does not print as text that parses back to it");
  return 0;
}
