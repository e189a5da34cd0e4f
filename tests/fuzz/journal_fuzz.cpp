// The journal decoder (loopcheck/pdict/journal_format.hpp): any bytes decode — a good prefix,
// then a torn tail or damage — or are refused with pdict::format_error (no valid header), never
// another exception, a crash or an unbounded allocation. The decoded parts must account for the
// bytes, and the good prefix must re-encode to a journal that decodes clean.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checksum_refresh.hpp"
#include "fuzz_contract.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/journal_format.hpp"

namespace pdict = loopcheck::pdict;
using loopcheck_fuzz::require;

namespace {

void decode_one(std::string_view bytes) {
  pdict::journal_contents contents;
  try {
    contents = pdict::decode_journal(bytes);
  } catch (const pdict::format_error&) {
    return;
  }
  require(contents.valid_size_bytes <= bytes.size(), "the valid prefix is longer than the file");
  if (contents.damage) {
    require(contents.torn_tail_bytes == 0 && contents.damage->offset_bytes == contents.valid_size_bytes &&
                contents.damage->later_records > 0 && contents.damage->seq == contents.last_seq() + 1,
            "damage that does not start where the good prefix ends");
  } else {
    require(contents.valid_size_bytes + contents.torn_tail_bytes == bytes.size(),
            "the good prefix and the torn tail do not add up to the file");
  }
  // The good prefix, written again as one append per record, is a clean journal.
  std::string rewritten = pdict::encode_journal_header(contents.generation, contents.base_seq);
  for (std::uint64_t i = 0; i < contents.records.size(); ++i) {
    const std::uint64_t seq = contents.base_seq + i + 1;
    rewritten += pdict::encode_journal_record(seq, seq, contents.records[i]);
  }
  const auto again = pdict::decode_journal(rewritten);
  require(again.records.size() == contents.records.size() && !again.damage && again.torn_tail_bytes == 0,
          "the good prefix does not re-encode to a clean journal");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_one(bytes);
  decode_one(loopcheck_fuzz::refresh_journal_checksums(bytes));
  return 0;
}
