#pragma once
// The snapshot file: human-readable JSON, one entry per line, with a format name, a version,
// a generation (which journal belongs to it) and a CRC-32C of the data's bytes:
//
//   {"format":"loopcheck-pdict","version":2,"generation":3,"checksum":"crc32c:1a2b3c4d","data":{
//   "a":1,
//   "b":"x"
//   }}
//
// Version 2 checksums the bytes of the data object exactly as they are in the file (from its
// `{` to its `}`), so how a JSON library prints a value can never make a valid file corrupt.
// Version 1 checksummed boost::json::serialize of the parsed data (keys in byte order), which
// a change in the serialiser would break; it is still read, and rewritten as version 2 at the
// next compaction.
#include <cstdint>
#include <string>
#include <string_view>

#include "loopcheck/pdict/mutation.hpp"

namespace loopcheck::pdict {

inline constexpr std::string_view snapshot_format_name = "loopcheck-pdict";
inline constexpr std::int64_t snapshot_format_version = 2;

struct snapshot {
  std::uint64_t generation = 0;
  dict_data data;
};

std::string encode_snapshot(const dict_data& data, std::uint64_t generation);

// Throws format_error saying what is wrong: not JSON, wrong shape, foreign format, unknown
// version, checksum mismatch.
snapshot decode_snapshot(std::string_view bytes);

}  // namespace loopcheck::pdict
