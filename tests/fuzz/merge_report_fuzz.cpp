// The JSON report reader behind `loopcheck merge` (loopcheck/harness/reports.hpp, read_json):
// any bytes are read, or refused with the std::runtime_error that names the report — never
// another exception, a crash or an unbounded allocation. What is read merges, and the merged
// result written as JSON reads back.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_contract.hpp"
#include "loopcheck/harness/reports.hpp"

namespace harness = loopcheck::harness;
using loopcheck_fuzz::require;

namespace {

const std::string report_name = "fuzz.json";
const std::string refusal_prefix = "report 'fuzz.json' is not a loopcheck.run v1 JSON report: ";

// read_json's result, or false when it refused the bytes the documented way.
bool read(const std::string& bytes, harness::campaign_result& result) {
  std::istringstream in(bytes);
  try {
    result = harness::read_json(in, report_name);
    return true;
  } catch (const std::runtime_error& e) {
    require(std::string_view(e.what()).starts_with(refusal_prefix), e.what());
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  harness::campaign_result result;
  if (!read(std::string(reinterpret_cast<const char*>(data), size), result)) return 0;
  const auto merged = harness::merge({result, result});
  std::ostringstream written;
  harness::write_json(written, merged, harness::verdict_rule::gate);
  harness::campaign_result again;
  require(read(written.str(), again), "a merged report does not read back");
  require(again.targets.size() == merged.targets.size(), "a merged report reads back with other targets");
  return 0;
}
