#pragma once
// CRC-32C (Castagnoli): the checksum of snapshot data and journal records. Chosen over a plain
// hash because it detects every burst error up to 32 bits, which is what a torn or bit-flipped
// block looks like.
#include <cstdint>
#include <string>
#include <string_view>

namespace loopcheck::pdict {

// Uses the CPU's crc32 instruction when it has one (x86-64 with SSE4.2), else crc32c_by_table.
std::uint32_t crc32c(std::string_view bytes);

// The portable byte-at-a-time table; public so tests can hold both implementations to the
// same answers on any machine.
std::uint32_t crc32c_by_table(std::string_view bytes);

// Eight lower-case hex digits, as stored in files.
std::string crc32c_hex(std::string_view bytes);

}  // namespace loopcheck::pdict
