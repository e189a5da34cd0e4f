// The snapshot loader (loopcheck/pdict/snapshot_format.hpp): any bytes decode, or are refused
// with pdict::format_error — never another exception, a crash or an unbounded allocation. What
// decodes must encode and decode back to the same data, but for one known, open defect:
// Boost.JSON 1.81 parses doubles imprecisely, so a double may read back one ulp away from the
// one written (docs/fuzzing.md, "Open"); doubles are compared after that one drift.
#include <algorithm>
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

namespace json = boost::json;

// `value` with each double as Boost.JSON reads back what it writes for it. Recursion is bounded
// by the nesting json::parse allows (max_depth, 32).
json::value as_read_back(const json::value& value) {
  switch (value.kind()) {
    case json::kind::double_: return json::parse(json::serialize(value));
    case json::kind::array: {
      json::array items;
      for (const auto& item : value.get_array()) items.push_back(as_read_back(item));
      return items;
    }
    case json::kind::object: {
      json::object members;
      for (const auto& member : value.get_object()) members.insert_or_assign(member.key(), as_read_back(member.value()));
      return members;
    }
    default: return value;
  }
}

bool same_after_read_back(const pdict::dict_data& written, const pdict::dict_data& read) {
  return std::equal(written.begin(), written.end(), read.begin(), read.end(), [](const auto& w, const auto& r) {
    return w.first == r.first && as_read_back(w.second) == r.second;
  });
}

void decode_one(std::string_view bytes) {
  pdict::snapshot loaded;
  try {
    loaded = pdict::decode_snapshot(bytes);
  } catch (const pdict::format_error&) {
    return;
  }
  const auto again = pdict::decode_snapshot(pdict::encode_snapshot(loaded.data, loaded.generation));
  loopcheck_fuzz::require(again.generation == loaded.generation && same_after_read_back(loaded.data, again.data),
                          "a decoded snapshot does not survive encode and decode");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_one(bytes);
  decode_one(loopcheck_fuzz::refresh_snapshot_checksum(bytes));
  return 0;
}
