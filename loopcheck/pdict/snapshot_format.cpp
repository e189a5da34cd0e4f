#include "loopcheck/pdict/snapshot_format.hpp"

#include <fmt/format.h>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"

namespace loopcheck::pdict {

namespace json = boost::json;

namespace {

std::string checksum_of(const dict_data& data) { return "crc32c:" + crc32c_hex(json::serialize(to_json(data))); }

const json::value& member(const json::object& doc, std::string_view key) {
  const auto* found = doc.if_contains(key);
  if (found == nullptr) throw format_error(fmt::format("snapshot has no \"{}\" member", key));
  return *found;
}

}  // namespace

std::string encode_snapshot(const dict_data& data, std::uint64_t generation) {
  std::string out = fmt::format("{{\"format\":{},\"version\":{},\"generation\":{},\"checksum\":{},\"data\":{{",
                                json::serialize(json::string(snapshot_format_name)), snapshot_format_version,
                                generation, json::serialize(json::string(checksum_of(data))));
  bool first = true;
  for (const auto& [key, value] : data) {
    out += first ? "\n" : ",\n";
    first = false;
    out += json::serialize(json::string(key));
    out += ':';
    out += json::serialize(value);
  }
  out += "\n}}\n";
  return out;
}

snapshot decode_snapshot(std::string_view bytes) {
  if (bytes.empty()) throw format_error("empty file");
  json::error_code ec;
  json::value doc = json::parse(bytes, ec);
  if (ec) throw format_error(fmt::format("not JSON ({}): truncated or garbage", ec.message()));
  const auto* object = doc.if_object();
  if (object == nullptr) throw format_error("not a JSON object: a foreign file");
  const auto* format = member(*object, "format").if_string();
  if (format == nullptr || *format != snapshot_format_name) throw format_error("\"format\" is not \"loopcheck-pdict\": a foreign file");
  const auto* version = member(*object, "version").if_int64();
  if (version == nullptr || *version != snapshot_format_version) {
    throw format_error(fmt::format("unsupported \"version\" {}", json::serialize(member(*object, "version"))));
  }
  const auto& generation = member(*object, "generation");
  if (!generation.is_uint64() && !(generation.is_int64() && generation.get_int64() >= 0)) {
    throw format_error("\"generation\" is not a non-negative integer");
  }
  const auto* checksum = member(*object, "checksum").if_string();
  if (checksum == nullptr) throw format_error("\"checksum\" is not a string");
  const auto* data_object = member(*object, "data").if_object();
  if (data_object == nullptr) throw format_error("\"data\" is not an object");

  snapshot result{generation.to_number<std::uint64_t>(), dict_from_json(*data_object)};
  const std::string expected = checksum_of(result.data);
  if (*checksum != expected) {
    throw format_error(fmt::format("checksum mismatch: file says {}, data gives {}", std::string_view(*checksum), expected));
  }
  return result;
}

}  // namespace loopcheck::pdict
