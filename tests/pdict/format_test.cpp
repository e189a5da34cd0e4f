// The file formats and the stress generator.
#include <boost/test/unit_test.hpp>

#include "loopcheck/pdict/checksum.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/pdict/stress.hpp"
#include "pdict_test_support.hpp"

using namespace pdict_test;

BOOST_AUTO_TEST_SUITE(formats)

BOOST_AUTO_TEST_CASE(crc32c_matches_the_standard_check_value) {
  BOOST_TEST(pdict::crc32c("123456789") == 0xE3069283u);
  BOOST_TEST(pdict::crc32c_hex("") == "00000000");
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

BOOST_AUTO_TEST_CASE(journal_keeps_the_valid_prefix_and_drops_a_torn_tail) {
  std::string bytes = pdict::encode_journal_header(3, 10);
  bytes += pdict::encode_journal_record(11, pdict::mutation().set("a", 1));
  bytes += pdict::encode_journal_record(12, pdict::mutation().erase("a").set("b", 2));
  const std::size_t complete = bytes.size();
  const std::string third = pdict::encode_journal_record(13, pdict::mutation().clear());
  for (std::size_t cut = 0; cut < third.size(); ++cut) {
    const auto journal = pdict::decode_journal(bytes + third.substr(0, cut));
    BOOST_TEST(journal.records.size() == 2u);
    BOOST_TEST(journal.valid_size_bytes == complete);
    BOOST_TEST(journal.torn_tail_bytes == cut);
  }
  const auto whole = pdict::decode_journal(bytes + third);
  BOOST_TEST(whole.records.size() == 3u);
  BOOST_TEST(whole.last_seq() == 13u);
  // A gap in the sequence ends the prefix: a record from another journal is never replayed.
  const auto gapped = pdict::decode_journal(bytes + pdict::encode_journal_record(15, pdict::mutation().clear()));
  BOOST_TEST(gapped.records.size() == 2u);
  BOOST_CHECK_THROW(pdict::decode_journal(""), pdict::format_error);
  BOOST_CHECK_THROW(pdict::decode_journal(third), pdict::format_error);
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
