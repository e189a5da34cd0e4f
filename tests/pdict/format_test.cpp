// The file formats and the stress generator.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fmt/format.h>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/exact_json.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/pdict/stress.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;

BOOST_AUTO_TEST_SUITE(formats)

BOOST_AUTO_TEST_CASE(crc32c_matches_the_standard_check_value) {
  BOOST_TEST(pdict::crc32c("123456789") == 0xE3069283u);
  BOOST_TEST(pdict::crc32c_hex("") == "00000000");
  BOOST_TEST(pdict::crc32c_by_table("123456789") == 0xE3069283u);
}

// crc32c may take the CPU's instruction path, which works on eight bytes at a time: every
// length around that stride, at every alignment, must give the table's answer.
BOOST_AUTO_TEST_CASE(crc32c_agrees_with_the_table_at_every_length_and_alignment) {
  std::string bytes(300, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 251);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; offset + length <= bytes.size(); ++length) {
      const std::string_view piece = std::string_view(bytes).substr(offset, length);
      BOOST_TEST(pdict::crc32c(piece) == pdict::crc32c_by_table(piece), "offset " << offset << " length " << length);
    }
  }
}

BOOST_AUTO_TEST_CASE(snapshot_round_trips_and_is_one_entry_per_line) {
  const pdict::dict_data data{{"b", json::object{{"x", 1.5}}}, {"a", "line\nbreak"}, {"c", nullptr}};
  const std::string bytes = pdict::encode_snapshot(data, 9);
  const auto decoded = pdict::decode_snapshot(bytes);
  BOOST_TEST(decoded.generation == 9u);
  BOOST_TEST((decoded.data == data));
  BOOST_TEST(std::count(bytes.begin(), bytes.end(), '\n') == 5);
  BOOST_TEST(json::parse(bytes).as_object().at("format") == "loopcheck-pdict");
}

BOOST_AUTO_TEST_CASE(every_single_bit_flip_of_a_snapshot_is_rejected_or_harmless) {
  const std::string bytes = pdict::encode_snapshot({{"key", "value"}, {"n", 42}}, 1);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      try {
        const auto decoded = pdict::decode_snapshot(flipped);
        // Only flips outside the data (whitespace-equivalent or generation digits) may load.
        BOOST_TEST((decoded.data == pdict::decode_snapshot(bytes).data), "byte " << i << " bit " << bit);
      } catch (const pdict::format_error&) {
      }
    }
  }
}

// Found by the snapshot fuzz target: "1e999" parses as infinity, which Boost.JSON writes back
// as `Infinity`, not JSON — a store holding one could be written but never read again.
BOOST_AUTO_TEST_CASE(an_infinite_number_is_refused_on_the_way_in_and_in_a_file) {
  const json::value infinite = json::parse(R"({"deep":[1,1e999]})");
  BOOST_TEST(pdict::holds_non_finite_number(infinite));
  BOOST_TEST(!pdict::holds_non_finite_number(json::parse(R"({"deep":[1,1e300,-0.0]})")));
  BOOST_CHECK_THROW(pdict::mutation().set("k", infinite), std::invalid_argument);
  const std::string data_bytes = "{\n\"k\":1e999\n}";
  const std::string snapshot = R"({"format":"loopcheck-pdict","version":2,"generation":1,"checksum":"crc32c:)" +
                               pdict::crc32c_hex(data_bytes) + R"(","data":)" + data_bytes + "}\n";
  BOOST_CHECK_THROW(pdict::decode_snapshot(snapshot), pdict::format_error);
  const std::string record = R"({"seq":1,"batch":1,"ops":[["set","k",1e999]]})";
  const auto journal = pdict::decode_journal(pdict::encode_journal_header(1, 0) + pdict::crc32c_hex(record) + ' ' +
                                             record + '\n');
  BOOST_TEST(journal.records.empty());
  BOOST_TEST(journal.torn_tail_bytes == record.size() + 10);
}

// Found by the snapshot fuzz target: Boost.JSON 1.81's parse reads about 8 % of the doubles its
// serialiser writes one or two ulps off, so a stored value changed when the store was reopened.
// Both file formats read numbers exactly (pdict/exact_json.hpp).
BOOST_AUTO_TEST_CASE(every_double_reads_back_exactly_from_a_snapshot_and_a_journal) {
  pdict::dict_data data;
  pdict::mutation ops;
  for (int i = 1; i <= 2000; ++i) {
    const double value = std::sqrt(static_cast<double>(i)) * (i % 2 == 0 ? 1e-7 : 1e7);
    data[fmt::format("k{}", i)] = value;
    ops.set(fmt::format("k{}", i), value);
  }
  data["tiny"] = 4.9e-324;  // the smallest subnormal
  data["huge"] = 1.7976931348623157e308;
  const auto snapshot = pdict::decode_snapshot(pdict::encode_snapshot(data, 1));
  BOOST_TEST((snapshot.data == data));
  const auto journal = pdict::decode_journal(pdict::encode_journal_header(1, 0) + pdict::encode_journal_record(1, 1, ops));
  BOOST_REQUIRE(journal.records.size() == 1u);
  pdict::dict_data replayed;
  pdict::apply_mutation(replayed, journal.records.front());
  std::size_t exact = 0;
  for (int i = 1; i <= 2000; ++i) exact += replayed[fmt::format("k{}", i)] == data[fmt::format("k{}", i)] ? 1 : 0;
  BOOST_TEST(exact == 2000u);
}

BOOST_AUTO_TEST_CASE(an_exact_parse_refuses_what_json_parse_refuses) {
  json::error_code ec;
  BOOST_TEST(pdict::parse_exact(R"({"a":[1,-2,3.25,"x",null,true]})", ec) ==
             json::parse(R"({"a":[1,-2,3.25,"x",null,true]})"));
  BOOST_TEST(!ec);
  for (const std::string_view bad : {R"({"a":1} x)", R"({"a":)", "", R"([1,2)", "01", "1.", "-"}) {
    json::error_code refused;
    pdict::parse_exact(bad, refused);
    BOOST_TEST(refused.failed(), "'" << bad << "' is refused");
  }
  std::string deep(1000, '[');  // beyond parse_options::max_depth: refused, not a stack overflow
  json::error_code too_deep;
  pdict::parse_exact(deep + std::string(1000, ']'), too_deep);
  BOOST_TEST(too_deep.failed());
}

BOOST_AUTO_TEST_CASE(journal_keeps_the_valid_prefix_and_drops_a_torn_tail) {
  std::string bytes = pdict::encode_journal_header(3, 10);
  bytes += pdict::encode_journal_record(11, 11, pdict::mutation().set("a", 1));
  bytes += pdict::encode_journal_record(12, 12, pdict::mutation().erase("a").set("b", 2));
  const std::size_t complete = bytes.size();
  const std::string third = pdict::encode_journal_record(13, 13, pdict::mutation().clear());
  for (std::size_t cut = 0; cut < third.size(); ++cut) {
    const auto journal = pdict::decode_journal(bytes + third.substr(0, cut));
    BOOST_TEST(journal.records.size() == 2u);
    BOOST_TEST(journal.valid_size_bytes == complete);
    BOOST_TEST(journal.torn_tail_bytes == cut);
    BOOST_TEST(!journal.damage);
  }
  const auto whole = pdict::decode_journal(bytes + third);
  BOOST_TEST(whole.records.size() == 3u);
  BOOST_TEST(whole.last_seq() == 13u);
  BOOST_CHECK_THROW(pdict::decode_journal(""), pdict::format_error);
  BOOST_CHECK_THROW(pdict::decode_journal(third), pdict::format_error);
  BOOST_CHECK_THROW(pdict::encode_journal_record(13, 14, pdict::mutation().clear()), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_record_of_a_later_append_after_a_bad_line_is_damage_not_a_torn_tail) {
  std::string bytes = pdict::encode_journal_header(3, 10);
  bytes += pdict::encode_journal_record(11, 11, pdict::mutation().set("a", 1));
  const std::uint64_t damaged_at = bytes.size();
  std::string second = pdict::encode_journal_record(12, 12, pdict::mutation().set("b", 2));
  second[20] = static_cast<char>(second[20] ^ 0x04);
  bytes += second;
  bytes += pdict::encode_journal_record(13, 13, pdict::mutation().set("c", 3));
  bytes += pdict::encode_journal_record(14, 13, pdict::mutation().set("d", 4));
  const auto journal = pdict::decode_journal(bytes);
  BOOST_REQUIRE(journal.damage);
  BOOST_TEST(journal.damage->seq == 12u);
  BOOST_TEST(journal.damage->offset_bytes == damaged_at);
  BOOST_TEST(journal.damage->reason == "checksum mismatch");
  BOOST_TEST(journal.damage->later_records == 2u);
  BOOST_TEST(journal.damage->last_seq_seen == 14u);
  BOOST_TEST(journal.records.size() == 1u);
  BOOST_TEST(journal.torn_tail_bytes == 0u);
  BOOST_TEST(pdict::describe(*journal.damage).find("record seq 12 at byte offset") == 0u);
  // A gap in the sequence followed by a later append is damage too: a committed record vanished.
  std::string gapped = pdict::encode_journal_header(3, 10);
  gapped += pdict::encode_journal_record(11, 11, pdict::mutation().set("a", 1));
  gapped += pdict::encode_journal_record(13, 13, pdict::mutation().clear());
  const auto gap = pdict::decode_journal(gapped);
  BOOST_REQUIRE(gap.damage);
  BOOST_TEST(gap.damage->seq == 12u);
  BOOST_TEST(gap.damage->reason == "out of sequence: expected seq 12, found seq 13");
}

BOOST_AUTO_TEST_CASE(version_1_journals_still_load_and_treat_each_record_as_its_own_append) {
  const std::string header = R"({"format":"loopcheck-pdict-journal","version":1,"generation":1,"base_seq":0})";
  const std::string first = R"({"seq":1,"ops":[["set","a",1]]})";
  const std::string second = R"({"seq":2,"ops":[["set","b",2]]})";
  const auto line = [](const std::string& payload) { return pdict::crc32c_hex(payload) + ' ' + payload + '\n'; };
  const auto loaded = pdict::decode_journal(line(header) + line(first) + line(second));
  BOOST_TEST(loaded.records.size() == 2u);
  BOOST_TEST(!loaded.damage);
  std::string damaged_first = line(first);
  damaged_first[12] = 'X';
  const auto damaged = pdict::decode_journal(line(header) + damaged_first + line(second));
  BOOST_REQUIRE(damaged.damage);
  BOOST_TEST(damaged.damage->seq == 1u);
}

BOOST_AUTO_TEST_CASE(stress_is_deterministic_and_counts_its_mutations) {
  const auto first = pdict::stress_expected(42, 500);
  BOOST_TEST(first == pdict::stress_expected(42, 500));
  BOOST_TEST(first != pdict::stress_expected(43, 500));
  BOOST_TEST(first.at("_count") == 500);
  BOOST_TEST(pdict::stress_expected(42, 0).empty());
  pdict::dict_data data;
  for (std::uint64_t i = 0; i < 7; ++i) pdict::apply_mutation(data, pdict::stress_mutation(42, i));
  BOOST_TEST(pdict::to_json(data) == pdict::stress_expected(42, 7));
}

BOOST_AUTO_TEST_SUITE_END()
