#pragma once
// The journal file `<file>.journal`: one line per record, each `<crc32c hex> <JSON payload>\n`.
// The first line is the header naming the snapshot generation the journal extends and the
// sequence number that snapshot covers; each later line is one mutation with the next
// sequence number and the first sequence number of the append it was written in:
//
//   5d8e0c1a {"format":"loopcheck-pdict-journal","version":2,"generation":3,"base_seq":0}
//   0b7f3e22 {"seq":1,"batch":1,"ops":[["set","a",1]]}
//   7c1d9a00 {"seq":2,"batch":2,"ops":[["erase","a"]]}
//   41e2b3c4 {"seq":3,"batch":2,"ops":[["clear"]]}
//
// Torn tail or damage. The store fsyncs each append before it starts the next, so a crash can
// tear only the final append — and it may tear it anywhere: a lost 512- or 4096-byte block
// reads as zeros or garbage, even in the middle of a line whose newline survived. Decoding
// therefore finds the first bad line (unterminated, bad checksum, unparsable, out of sequence)
// and looks past it for valid records of this journal (sequence numbers above the last good
// one). A valid record of a *later* append (its batch starts after the bad line's sequence
// number) proves the bad line was committed and fsynced before that append began: damage.
// Otherwise everything from the bad line on belongs to the final append, which was never
// acknowledged: a torn tail, dropped. The limits of what bytes can tell are in docs/pdict.md.
//
// Version 1 journals (no "batch": every record was treated as its own append) are still read;
// they are written as version 2 at the next compaction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/pdict/mutation.hpp"

namespace loopcheck::pdict {

inline constexpr std::string_view journal_format_name = "loopcheck-pdict-journal";
inline constexpr std::int64_t journal_format_version = 2;

// Committed records are damaged: the bad line is followed by records of a later append.
struct journal_damage {
  std::uint64_t seq = 0;             // the sequence number the damaged record should carry
  std::uint64_t offset_bytes = 0;    // where the damaged line starts in the file
  std::string reason;                // what is wrong with that line
  std::uint64_t later_records = 0;   // valid records of later appends found after it
  std::uint64_t last_seq_seen = 0;   // the highest sequence number among those
};

struct journal_contents {
  std::int64_t version = journal_format_version;
  std::uint64_t generation = 0;
  std::uint64_t base_seq = 0;
  std::vector<mutation> records;  // sequence numbers base_seq + 1, base_seq + 2, ...: the good prefix
  std::uint64_t valid_size_bytes = 0;
  std::uint64_t torn_tail_bytes = 0;      // dropped: the final append, never acknowledged
  std::optional<journal_damage> damage;   // set: records holds only what precedes the damage

  std::uint64_t last_seq() const { return base_seq + records.size(); }
};

std::string encode_journal_header(std::uint64_t generation, std::uint64_t base_seq);
// `batch_seq`: the sequence number of the first record of the append this record is part of.
std::string encode_journal_record(std::uint64_t seq, std::uint64_t batch_seq, const mutation& m);

// Throws format_error when the header line is missing or invalid (an empty, foreign or
// corrupt file). A bad record is a torn tail or damage, as the top comment says.
journal_contents decode_journal(std::string_view bytes);

// "record seq 12 at byte offset 388 is damaged (checksum mismatch); 3 committed record(s) of
// later appends follow it (up to seq 15)": for findings, errors and `dict check`.
std::string describe(const journal_damage& damage);

}  // namespace loopcheck::pdict
