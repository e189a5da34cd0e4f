#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/exact_json.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>
#include <variant>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"

namespace loopcheck::pdict {

namespace json = boost::json;

namespace {

constexpr std::size_t checksum_hex_chars = 8;
// Damage merges a few lines at most (a destroyed newline, a garbage block); far more record
// starts than this in one line is not a journal.
constexpr std::size_t max_candidates_per_line = 1024;

std::string frame(const json::object& payload) {
  std::string text = json::serialize(payload);
  return crc32c_hex(text) + ' ' + text + '\n';
}

struct framed_line {
  json::object payload;
  std::size_t size_bytes = 0;  // including the newline
};

// The payload of the complete, checksummed line at the start of `rest`, or why there is none.
std::variant<framed_line, std::string> unframe(std::string_view rest) {
  const auto newline = rest.find('\n');
  if (newline == std::string_view::npos) return std::string("unterminated line");
  if (newline <= checksum_hex_chars + 1 || rest[checksum_hex_chars] != ' ') return std::string("not a framed line");
  const std::string_view payload = rest.substr(checksum_hex_chars + 1, newline - checksum_hex_chars - 1);
  if (rest.substr(0, checksum_hex_chars) != crc32c_hex(payload)) return std::string("checksum mismatch");
  json::error_code ec;
  json::value value = parse_exact(payload, ec);
  if (ec || !value.is_object()) return std::string("checksummed payload is not a JSON object");
  return framed_line{std::move(value.as_object()), newline + 1};
}

std::optional<std::uint64_t> unsigned_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) return static_cast<std::uint64_t>(value->get_int64());
  return std::nullopt;
}

struct record_line {
  std::uint64_t seq = 0;
  std::uint64_t batch_seq = 0;
  mutation ops;
  std::size_t size_bytes = 0;
};

// The record at the start of `rest`, or why it is not one. Version 1 records carry no batch:
// each is taken as its own append, the strictest reading.
std::variant<record_line, std::string> read_record(std::string_view rest, std::int64_t version) {
  auto framed = unframe(rest);
  if (auto* reason = std::get_if<std::string>(&framed)) return std::move(*reason);
  auto& line = std::get<framed_line>(framed);
  const auto seq = unsigned_member(line.payload, "seq");
  const auto batch_seq = version == 1 ? seq : unsigned_member(line.payload, "batch");
  const auto* ops = line.payload.if_contains("ops");
  if (!seq || !batch_seq || ops == nullptr) return std::string("record lacks \"seq\", \"batch\" or \"ops\"");
  if (*batch_seq == 0 || *batch_seq > *seq) return fmt::format("record seq {} names batch {}", *seq, *batch_seq);
  try {
    return record_line{*seq, *batch_seq, mutation_from_json(*ops), line.size_bytes};
  } catch (const std::invalid_argument& e) {
    return std::string(e.what());
  }
}

// Eight hex digits, a space and a '{': where a framed line may begin.
bool could_start_record(std::string_view rest) {
  if (rest.size() < checksum_hex_chars + 2 || rest[checksum_hex_chars] != ' ' || rest[checksum_hex_chars + 1] != '{') {
    return false;
  }
  return std::all_of(rest.begin(), rest.begin() + checksum_hex_chars,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

json::object read_header(std::string_view bytes, std::size_t& header_size, std::int64_t& version) {
  auto framed = unframe(bytes);
  if (auto* reason = std::get_if<std::string>(&framed)) {
    throw format_error(fmt::format("journal header is torn, corrupt or not a journal ({})", *reason));
  }
  auto& header = std::get<framed_line>(framed);
  const auto* format = header.payload.if_contains("format");
  if (format == nullptr || !format->is_string() || format->get_string() != journal_format_name) {
    throw format_error("journal header has a foreign \"format\"");
  }
  const auto* version_value = header.payload.if_contains("version");
  if (version_value == nullptr || !version_value->is_int64() || version_value->get_int64() < 1 ||
      version_value->get_int64() > journal_format_version) {
    throw format_error("journal header has an unsupported \"version\"");
  }
  version = version_value->get_int64();
  header_size = header.size_bytes;
  return std::move(header.payload);
}

}  // namespace

std::string encode_journal_header(std::uint64_t generation, std::uint64_t base_seq) {
  return frame(json::object{{"format", journal_format_name},
                            {"version", journal_format_version},
                            {"generation", generation},
                            {"base_seq", base_seq}});
}

std::string encode_journal_record(std::uint64_t seq, std::uint64_t batch_seq, const mutation& m) {
  if (batch_seq == 0 || batch_seq > seq) {
    throw std::invalid_argument(fmt::format("journal record seq {} cannot start its batch at {}", seq, batch_seq));
  }
  return frame(json::object{{"seq", seq}, {"batch", batch_seq}, {"ops", to_json(m)}});
}

journal_contents decode_journal(std::string_view bytes) {
  if (bytes.empty()) throw format_error("empty journal: no header");
  std::size_t header_size = 0;
  std::int64_t version = 0;
  const json::object header = read_header(bytes, header_size, version);
  const auto generation = unsigned_member(header, "generation");
  const auto base_seq = unsigned_member(header, "base_seq");
  if (!generation || !base_seq) throw format_error("journal header lacks \"generation\" or \"base_seq\"");

  journal_contents contents{version, *generation, *base_seq, {}, header_size, 0, std::nullopt};
  // The batch the next record may continue; a record may also start a new batch.
  std::uint64_t open_batch_seq = 0;
  std::string bad_line_reason;
  // Each iteration consumes one line or ends the loop: the byte count bounds it.
  while (contents.valid_size_bytes < bytes.size()) {
    auto line = read_record(bytes.substr(contents.valid_size_bytes), version);
    if (auto* reason = std::get_if<std::string>(&line)) {
      bad_line_reason = std::move(*reason);
      break;
    }
    auto& record = std::get<record_line>(line);
    const std::uint64_t expected_seq = contents.last_seq() + 1;
    if (record.seq != expected_seq) {
      bad_line_reason = fmt::format("out of sequence: expected seq {}, found seq {}", expected_seq, record.seq);
      break;
    }
    if (record.batch_seq != record.seq && record.batch_seq != open_batch_seq) {
      bad_line_reason = fmt::format("record seq {} names batch {}, which is not open", record.seq, record.batch_seq);
      break;
    }
    open_batch_seq = record.batch_seq;
    contents.records.push_back(std::move(record.ops));
    contents.valid_size_bytes += record.size_bytes;
  }
  if (contents.valid_size_bytes == bytes.size()) return contents;

  // A bad line at valid_size_bytes. It belongs to the open batch or starts the next one; a valid
  // record of this journal found after it whose batch is neither is a later append.
  const std::uint64_t bad_seq = contents.last_seq() + 1;
  journal_damage damage{bad_seq, contents.valid_size_bytes, std::move(bad_line_reason), 0, 0};
  // Look for records wherever one could start — not only after a newline, which the damage may
  // have destroyed. Each iteration advances `at`, so the file size bounds the loop; each
  // candidate costs a checksum up to its line's end, so a line gets at most
  // max_candidates_per_line of them (hostile input would otherwise make this quadratic).
  std::size_t line_end = 0;
  std::size_t candidates_in_line = 0;
  for (std::size_t at = contents.valid_size_bytes; at < bytes.size();) {
    if (at > line_end || line_end == 0) {
      line_end = std::min(bytes.find('\n', at), bytes.size());
      candidates_in_line = 0;
    }
    if (!could_start_record(bytes.substr(at)) || candidates_in_line == max_candidates_per_line) {
      ++at;
      continue;
    }
    ++candidates_in_line;
    auto line = read_record(bytes.substr(at), version);
    auto* record = std::get_if<record_line>(&line);
    if (record == nullptr) {
      ++at;
      continue;
    }
    const bool of_this_journal = record->seq > contents.last_seq();
    const bool same_append = record->batch_seq == bad_seq || (open_batch_seq != 0 && record->batch_seq == open_batch_seq);
    if (of_this_journal && !same_append) {
      ++damage.later_records;
      damage.last_seq_seen = std::max(damage.last_seq_seen, record->seq);
    }
    at += record->size_bytes;
  }
  if (damage.later_records > 0) {
    contents.damage = std::move(damage);
  } else {
    contents.torn_tail_bytes = bytes.size() - contents.valid_size_bytes;
  }
  return contents;
}

std::string describe(const journal_damage& damage) {
  return fmt::format("record seq {} at byte offset {} is damaged ({}); {} committed record(s) of later appends follow "
                     "it (up to seq {})",
                     damage.seq, damage.offset_bytes, damage.reason, damage.later_records, damage.last_seq_seen);
}

}  // namespace loopcheck::pdict
