#include "checksum_refresh.hpp"

#include <algorithm>
#include <cstddef>

#include "loopcheck/pdict/checksum.hpp"

namespace loopcheck_fuzz {

namespace {

constexpr std::size_t hex_chars = 8;

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string refresh_journal_checksums(std::string_view journal) {
  std::string out;
  out.reserve(journal.size());
  // Each round consumes one line: bounded by the input.
  while (!journal.empty()) {
    const auto newline = journal.find('\n');
    const std::string_view line = journal.substr(0, newline);
    if (line.size() > hex_chars && line[hex_chars] == ' ' && is_lower_hex(line.substr(0, hex_chars))) {
      out += loopcheck::pdict::crc32c_hex(line.substr(hex_chars + 1));
      out += line.substr(hex_chars);
    } else {
      out += line;
    }
    if (newline == std::string_view::npos) break;
    out += '\n';
    journal.remove_prefix(newline + 1);
  }
  return out;
}

std::string refresh_snapshot_checksum(std::string_view snapshot) {
  constexpr std::string_view checksum_key = R"("checksum":"crc32c:)";
  constexpr std::string_view data_key = R"(","data":)";
  constexpr std::string_view trailer = "}\n";
  std::string out(snapshot);
  const auto checksum_at = snapshot.find(checksum_key);
  if (checksum_at == std::string_view::npos) return out;
  const auto digits_at = checksum_at + checksum_key.size();
  const auto data_at = digits_at + hex_chars + data_key.size();
  if (data_at + trailer.size() > snapshot.size() || snapshot.substr(digits_at + hex_chars, data_key.size()) != data_key ||
      !snapshot.ends_with(trailer)) {
    return out;
  }
  const auto digits = loopcheck::pdict::crc32c_hex(snapshot.substr(data_at, snapshot.size() - data_at - trailer.size()));
  out.replace(digits_at, hex_chars, digits);
  return out;
}

}  // namespace loopcheck_fuzz
