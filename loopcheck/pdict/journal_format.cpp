#include "loopcheck/pdict/journal_format.hpp"

#include <fmt/format.h>
#include <optional>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"

namespace loopcheck::pdict {

namespace json = boost::json;

namespace {

constexpr std::size_t checksum_hex_chars = 8;

std::string frame(const json::object& payload) {
  std::string text = json::serialize(payload);
  return crc32c_hex(text) + ' ' + text + '\n';
}

// The payload of the complete, checksummed line at the start of `rest`, or nullopt; `line_size`
// receives the line's length including its newline.
std::optional<json::object> unframe(std::string_view rest, std::size_t& line_size) {
  const auto newline = rest.find('\n');
  if (newline == std::string_view::npos || newline <= checksum_hex_chars + 1) return std::nullopt;
  if (rest[checksum_hex_chars] != ' ') return std::nullopt;
  const std::string_view payload = rest.substr(checksum_hex_chars + 1, newline - checksum_hex_chars - 1);
  if (rest.substr(0, checksum_hex_chars) != crc32c_hex(payload)) return std::nullopt;
  json::error_code ec;
  json::value value = json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  line_size = newline + 1;
  return std::move(value.as_object());
}

std::optional<std::uint64_t> unsigned_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) return static_cast<std::uint64_t>(value->get_int64());
  return std::nullopt;
}

}  // namespace

std::string encode_journal_header(std::uint64_t generation, std::uint64_t base_seq) {
  return frame(json::object{{"format", journal_format_name},
                            {"version", journal_format_version},
                            {"generation", generation},
                            {"base_seq", base_seq}});
}

std::string encode_journal_record(std::uint64_t seq, const mutation& m) {
  return frame(json::object{{"seq", seq}, {"ops", to_json(m)}});
}

journal_contents decode_journal(std::string_view bytes) {
  if (bytes.empty()) throw format_error("empty journal: no header");
  std::size_t line_size = 0;
  auto header = unframe(bytes, line_size);
  if (!header) throw format_error("journal header is torn, corrupt or not a journal");
  const auto* format = header->if_contains("format");
  if (format == nullptr || !format->is_string() || format->get_string() != journal_format_name) {
    throw format_error("journal header has a foreign \"format\"");
  }
  const auto* version = header->if_contains("version");
  if (version == nullptr || !version->is_int64() || version->get_int64() != journal_format_version) {
    throw format_error("journal header has an unsupported \"version\"");
  }
  const auto generation = unsigned_member(*header, "generation");
  const auto base_seq = unsigned_member(*header, "base_seq");
  if (!generation || !base_seq) throw format_error("journal header lacks \"generation\" or \"base_seq\"");

  journal_contents contents{*generation, *base_seq, {}, line_size, 0};
  // Each record is at least one line; the byte count bounds the loop.
  while (contents.valid_size_bytes < bytes.size()) {
    auto record = unframe(bytes.substr(contents.valid_size_bytes), line_size);
    if (!record) break;
    const auto seq = unsigned_member(*record, "seq");
    const auto* ops = record->if_contains("ops");
    if (!seq || *seq != contents.last_seq() + 1 || ops == nullptr) break;
    try {
      contents.records.push_back(mutation_from_json(*ops));
    } catch (const std::invalid_argument&) {
      break;
    }
    contents.valid_size_bytes += line_size;
  }
  contents.torn_tail_bytes = bytes.size() - contents.valid_size_bytes;
  return contents;
}

}  // namespace loopcheck::pdict
