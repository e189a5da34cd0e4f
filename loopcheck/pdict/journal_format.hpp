#pragma once
// The journal file `<file>.journal`: one line per record, each `<crc32c hex> <JSON payload>\n`.
// The first line is the header naming the snapshot generation the journal extends and the
// sequence number that snapshot covers; each later line is one mutation with the next
// sequence number:
//
//   5d8e0c1a {"format":"loopcheck-pdict-journal","version":1,"generation":3,"base_seq":0}
//   0b7f3e22 {"seq":1,"ops":[["set","a",1]]}
//
// Recovery keeps the longest valid prefix: the first line that is unterminated, fails its
// checksum, does not parse or breaks the sequence ends the journal (a torn tail after a crash:
// those records were never acknowledged by a flush).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/pdict/mutation.hpp"

namespace loopcheck::pdict {

inline constexpr std::string_view journal_format_name = "loopcheck-pdict-journal";
inline constexpr std::int64_t journal_format_version = 1;

struct journal_contents {
  std::uint64_t generation = 0;
  std::uint64_t base_seq = 0;
  std::vector<mutation> records;  // sequence numbers base_seq + 1, base_seq + 2, ...
  std::uint64_t valid_size_bytes = 0;
  std::uint64_t torn_tail_bytes = 0;

  std::uint64_t last_seq() const { return base_seq + records.size(); }
};

std::string encode_journal_header(std::uint64_t generation, std::uint64_t base_seq);
std::string encode_journal_record(std::uint64_t seq, const mutation& m);

// Throws format_error when the header line is missing or invalid (an empty, foreign or
// corrupt file); a bad record only ends the valid prefix.
journal_contents decode_journal(std::string_view bytes);

}  // namespace loopcheck::pdict
