#pragma once
// CRC-32C (Castagnoli): the checksum of snapshot data and journal records. Chosen over a plain
// hash because it detects every burst error up to 32 bits, which is what a torn or bit-flipped
// block looks like.
#include <cstdint>
#include <string>
#include <string_view>

namespace loopcheck::pdict {

std::uint32_t crc32c(std::string_view bytes);

// Eight lower-case hex digits, as stored in files.
std::string crc32c_hex(std::string_view bytes);

}  // namespace loopcheck::pdict
