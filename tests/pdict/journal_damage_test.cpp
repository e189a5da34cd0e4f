// Property: every single-byte change and every truncation of every record of a journal is
// either reported as damage or — for the final append only — accepted as a torn tail with
// every earlier record intact. Never silently accepted with a record lost in the middle,
// never a crash.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <rapidcheck.h>
#include <string>
#include <vector>

#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;

namespace {

constexpr std::uint64_t base_seq = 40;

struct record_extent {
  std::size_t begin_bytes = 0;
  std::size_t end_bytes = 0;  // one past its newline
  std::size_t append = 0;     // which append wrote it
};

struct written_journal {
  std::string bytes;
  std::size_t header_bytes = 0;
  std::vector<record_extent> records;
  std::size_t append_count = 0;
};

// A journal as the dict writes it: appends of 1..n records, each naming its append's first seq.
written_journal write_journal(const std::vector<int>& append_sizes) {
  written_journal journal;
  journal.bytes = pdict::encode_journal_header(7, base_seq);
  journal.header_bytes = journal.bytes.size();
  std::uint64_t seq = base_seq;
  for (const int size : append_sizes) {
    const std::uint64_t batch_seq = seq + 1;
    for (int i = 0; i < size; ++i) {
      ++seq;
      const std::size_t begin = journal.bytes.size();
      journal.bytes += pdict::encode_journal_record(
          seq, batch_seq, pdict::mutation().set("key" + std::to_string(seq % 5), static_cast<std::int64_t>(seq)));
      journal.records.push_back({begin, journal.bytes.size(), journal.append_count});
    }
    ++journal.append_count;
  }
  return journal;
}

// Checks the verdict on `changed`, a copy of `journal` whose record `index` was altered in place
// (later records untouched). Returns what was wrong, or an empty string.
std::string verdict_problem(const written_journal& journal, std::size_t index, const std::string& changed) {
  pdict::journal_contents decoded;
  try {
    decoded = pdict::decode_journal(changed);
  } catch (const pdict::format_error& e) {
    return std::string("a record change was taken for a bad header: ") + e.what();
  }
  const bool final_append = journal.records[index].append + 1 == journal.append_count;
  if (decoded.records.size() != index) {
    return "kept " + std::to_string(decoded.records.size()) + " records, not the " + std::to_string(index) +
           " before the changed one";
  }
  if (decoded.damage) {
    if (decoded.damage->seq != base_seq + index + 1) return "damage names seq " + std::to_string(decoded.damage->seq);
    if (decoded.damage->offset_bytes != journal.records[index].begin_bytes) return "damage names the wrong offset";
    return {};
  }
  if (!final_append) return "a change before the final append was accepted as a torn tail";
  if (decoded.valid_size_bytes != journal.records[index].begin_bytes) return "the torn tail starts at the wrong byte";
  return {};
}

// Flips of a low and a high bit, a newline that splits a line, a digit that keeps it plausible.
enum class byte_change { flip_low_bit, flip_high_bit, newline, digit };

char changed_byte(char original, byte_change change) {
  switch (change) {
    case byte_change::flip_low_bit: return static_cast<char>(original ^ 0x01);
    case byte_change::flip_high_bit: return static_cast<char>(original ^ 0x80);
    case byte_change::newline: return '\n';
    case byte_change::digit: return '7';
  }
  return original;
}

rc::Gen<std::vector<int>> appends_gen() {
  return rc::gen::resize(6, rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(1, 4))));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal_damage)

BOOST_AUTO_TEST_CASE(every_byte_change_is_damage_or_a_torn_final_append) {
  ::setenv("RC_PARAMS", "seed=20261201 max_success=40", 0);
  const bool ok = rc::check("single-byte changes", [] {
    const written_journal journal = write_journal(*appends_gen());
    const auto change = *rc::gen::element(byte_change::flip_low_bit, byte_change::flip_high_bit,
                                          byte_change::newline, byte_change::digit);
    for (std::size_t index = 0; index < journal.records.size(); ++index) {
      const auto& extent = journal.records[index];
      for (std::size_t at = extent.begin_bytes; at < extent.end_bytes; ++at) {
        std::string changed = journal.bytes;
        const char original = changed[at];
        changed[at] = changed_byte(original, change);
        if (changed[at] == original) continue;
        const std::string problem = verdict_problem(journal, index, changed);
        if (!problem.empty()) RC_FAIL("record " + std::to_string(index) + " byte " + std::to_string(at) + ": " + problem);
      }
    }
  });
  BOOST_TEST(ok);
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_record_is_damage_or_a_torn_final_append) {
  ::setenv("RC_PARAMS", "seed=20261201 max_success=40", 0);
  const bool ok = rc::check("records cut short in place", [] {
    const written_journal journal = write_journal(*appends_gen());
    for (std::size_t index = 0; index < journal.records.size(); ++index) {
      const auto& extent = journal.records[index];
      // Keep `kept` bytes of the record (0: the whole record is gone), then the later records.
      for (std::size_t kept = 0; kept < extent.end_bytes - extent.begin_bytes; ++kept) {
        const std::string changed =
            journal.bytes.substr(0, extent.begin_bytes + kept) + journal.bytes.substr(extent.end_bytes);
        const std::string problem = verdict_problem(journal, index, changed);
        if (!problem.empty()) RC_FAIL("record " + std::to_string(index) + " cut to " + std::to_string(kept) + ": " + problem);
      }
    }
  });
  BOOST_TEST(ok);
}

// A journal cut off at any byte is indistinguishable from a crash during its last append: the
// complete records before the cut are kept, the rest is a torn tail (docs/pdict.md, limits).
BOOST_AUTO_TEST_CASE(a_journal_cut_off_at_any_byte_keeps_every_complete_record) {
  const written_journal journal = write_journal({2, 1, 3});
  for (std::size_t cut = 0; cut <= journal.bytes.size(); ++cut) {
    const std::string prefix = journal.bytes.substr(0, cut);
    if (cut < journal.header_bytes) {
      BOOST_CHECK_THROW(pdict::decode_journal(prefix), pdict::format_error);
      continue;
    }
    const auto decoded = pdict::decode_journal(prefix);
    std::size_t complete = 0;
    while (complete < journal.records.size() && journal.records[complete].end_bytes <= cut) ++complete;
    BOOST_TEST(!decoded.damage, "cut " << cut);
    BOOST_TEST(decoded.records.size() == complete, "cut " << cut);
    BOOST_TEST(decoded.valid_size_bytes + decoded.torn_tail_bytes == cut);
  }
}

BOOST_AUTO_TEST_SUITE_END()
