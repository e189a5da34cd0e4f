#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/pdict/exact_json.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"

namespace loopcheck::pdict {

namespace json = boost::json;

namespace {

constexpr std::string_view checksum_prefix = "crc32c:";
constexpr std::string_view trailer = "}\n";

// Everything before the data object's bytes. It holds numbers and fixed names only, so fmt
// writes it the same on every platform and library version.
std::string encode_header(std::int64_t version, std::uint64_t generation, std::string_view checksum) {
  return fmt::format(R"({{"format":"{}","version":{},"generation":{},"checksum":"{}","data":)", snapshot_format_name,
                     version, generation, checksum);
}

// The version 1 checksum: over re-serialised data, so it depends on Boost.JSON's serialiser
// (how it writes doubles, for one). Read for old stores only; never written.
std::string version_1_checksum(const dict_data& data) {
  return std::string(checksum_prefix) + crc32c_hex(json::serialize(to_json(data)));
}

const json::value& member(const json::object& doc, std::string_view key) {
  const auto* found = doc.if_contains(key);
  if (found == nullptr) throw format_error(fmt::format("snapshot has no \"{}\" member", key));
  return *found;
}

// The data, or format_error for a value no snapshot can hold (an infinite number).
dict_data data_from_json(json::object&& object) {
  try {
    return dict_from_json(std::move(object));
  } catch (const std::invalid_argument& e) {
    throw format_error(e.what());
  }
}

bool is_checksum_text(std::string_view text) {
  if (text.size() != checksum_prefix.size() + 8 || text.substr(0, checksum_prefix.size()) != checksum_prefix) return false;
  for (const char c : text.substr(checksum_prefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string encode_snapshot(const dict_data& data, std::uint64_t generation) {
  std::string data_bytes = "{";
  bool first = true;
  for (const auto& [key, value] : data) {
    data_bytes += first ? "\n" : ",\n";
    first = false;
    data_bytes += json::serialize(json::string(key));
    data_bytes += ':';
    data_bytes += json::serialize(value);
  }
  data_bytes += "\n}";
  const std::string checksum = std::string(checksum_prefix) + crc32c_hex(data_bytes);
  std::string out = encode_header(snapshot_format_version, generation, checksum);
  out.reserve(out.size() + data_bytes.size() + trailer.size());
  out += data_bytes;
  out += trailer;
  return out;
}

snapshot decode_snapshot(std::string_view bytes) {
  if (bytes.empty()) throw format_error("empty file");
  json::error_code ec;
  json::value doc = parse_exact(bytes, ec);
  if (ec) throw format_error(fmt::format("not JSON ({}): truncated or garbage", ec.message()));
  auto* object = doc.if_object();
  if (object == nullptr) throw format_error("not a JSON object: a foreign file");
  const auto* format = member(*object, "format").if_string();
  if (format == nullptr || *format != snapshot_format_name) throw format_error("\"format\" is not \"loopcheck-pdict\": a foreign file");
  const auto* version = member(*object, "version").if_int64();
  if (version == nullptr || *version < 1 || *version > snapshot_format_version) {
    throw format_error(fmt::format("unsupported \"version\" {}", json::serialize(member(*object, "version"))));
  }
  const auto& generation = member(*object, "generation");
  if (!generation.is_uint64() && !(generation.is_int64() && generation.get_int64() >= 0)) {
    throw format_error("\"generation\" is not a non-negative integer");
  }
  const auto* checksum = member(*object, "checksum").if_string();
  if (checksum == nullptr || !is_checksum_text(*checksum)) throw format_error("\"checksum\" is not \"crc32c:<8 hex digits>\"");
  auto* data_object = object->if_contains("data") != nullptr ? object->at("data").if_object() : nullptr;
  if (data_object == nullptr) throw format_error("\"data\" is missing or not an object");
  const auto generation_number = generation.to_number<std::uint64_t>();

  std::string actual;
  if (*version == 1) {
    snapshot result{generation_number, data_from_json(std::move(*data_object))};
    actual = version_1_checksum(result.data);
    if (*checksum != actual) {
      throw format_error(fmt::format("checksum mismatch: file says {}, data gives {}", std::string_view(*checksum), actual));
    }
    return result;
  }
  // Version 2: the checksum covers the data object's bytes exactly as they are in the file,
  // between a canonical header and the trailer.
  const std::string header = encode_header(*version, generation_number, *checksum);
  if (bytes.size() < header.size() + trailer.size() || bytes.substr(0, header.size()) != header ||
      bytes.substr(bytes.size() - trailer.size()) != trailer) {
    throw format_error("header or trailer is not as loopcheck writes it");
  }
  actual = std::string(checksum_prefix) +
           crc32c_hex(bytes.substr(header.size(), bytes.size() - header.size() - trailer.size()));
  if (*checksum != actual) {
    throw format_error(fmt::format("checksum mismatch: file says {}, its data bytes give {}", std::string_view(*checksum),
                                   actual));
  }
  return snapshot{generation_number, data_from_json(std::move(*data_object))};
}

}  // namespace loopcheck::pdict
