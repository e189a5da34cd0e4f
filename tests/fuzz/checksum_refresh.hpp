#pragma once
// A mutated snapshot or journal almost never carries a valid CRC-32C, so a fuzzer would only
// ever see "checksum mismatch". The pdict targets decode each input twice: as it is, and with
// its checksums recomputed here, which lets mutations reach the JSON, the shapes and the
// sequence rules behind the checksum.
#include <string>
#include <string_view>

namespace loopcheck_fuzz {

// Each line that starts like a journal record ("<8 hex digits> ") gets the CRC-32C of the rest
// of that line; other lines are kept as they are.
std::string refresh_journal_checksums(std::string_view journal);

// A version 2 snapshot's "crc32c:<8 hex>" set to the CRC-32C of the bytes from after
// `"data":` to before the final "}\n"; input without that layout is returned unchanged.
std::string refresh_snapshot_checksum(std::string_view snapshot);

}  // namespace loopcheck_fuzz
