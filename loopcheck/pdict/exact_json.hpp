#pragma once
// JSON text parsed with every number read exactly: a double becomes the nearest double to its
// digits (std::from_chars, correctly rounded). Boost.JSON 1.81's own parse is off by one or two
// ulps for about 8 % of the doubles its serialiser writes (std::sqrt(14)), so a value stored in a
// dict came back changed when the store was reopened (tests/fuzz, docs/fuzzing.md). Boost 1.83
// has `parse_options::numbers = number_precision::precise`; this is the same on 1.81, through
// Boost.JSON's own basic_parser and value_stack.
#include <boost/json.hpp>
#include <string_view>

namespace loopcheck::pdict {

// The value `text` holds (its whole text: trailing characters are an error), or null with `ec`
// set. Nesting is bounded as by boost::json::parse (parse_options::max_depth).
boost::json::value parse_exact(std::string_view text, boost::json::error_code& ec);

}  // namespace loopcheck::pdict
