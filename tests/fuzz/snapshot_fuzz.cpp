// The snapshot loader (loopcheck/pdict/snapshot_format.hpp): any bytes decode, or are refused
// with pdict::format_error — never another exception, a crash or an unbounded allocation. What
// decodes must encode and decode back to exactly the same data, doubles included (the loader
// reads numbers exactly: pdict/exact_json.hpp; the input that found the drift is in the corpus).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checksum_refresh.hpp"
#include "fuzz_contract.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"

namespace pdict = loopcheck::pdict;

namespace {

void decode_one(std::string_view bytes) {
  pdict::snapshot loaded;
  try {
    loaded = pdict::decode_snapshot(bytes);
  } catch (const pdict::format_error&) {
    return;
  }
  const auto again = pdict::decode_snapshot(pdict::encode_snapshot(loaded.data, loaded.generation));
  loopcheck_fuzz::require(again.generation == loaded.generation && again.data == loaded.data,
                          "a decoded snapshot does not survive encode and decode");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_one(bytes);
  decode_one(loopcheck_fuzz::refresh_snapshot_checksum(bytes));
  return 0;
}
