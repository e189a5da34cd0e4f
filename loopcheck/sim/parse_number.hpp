#pragma once
// Whole-text decimal integers for the text forms loopcheck reads back (replay tokens, choice
// tapes): no sign for unsigned types, no base prefix, no spaces, nothing after the digits.
#include <charconv>
#include <concepts>
#include <string_view>

namespace loopcheck::sim {

template <std::integral Int>
bool parse_whole_number(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace loopcheck::sim
