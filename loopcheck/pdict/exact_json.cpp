#include "loopcheck/pdict/exact_json.hpp"

#include <boost/json/basic_parser_impl.hpp>  // basic_parser is a template defined there
#include <charconv>
#include <cstdint>
#include <string>

namespace loopcheck::pdict {

namespace json = boost::json;

namespace {

// basic_parser's handler: what boost::json::parser does, but for doubles.
class exact_number_handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value release() { return values_.release(); }

  bool on_document_begin(json::error_code&) {
    values_.reset();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    values_.push_array(n);
    return true;
  }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    values_.push_object(n);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    values_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    values_.push_string(s);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    values_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    values_.push_key(s);
    return true;
  }
  // A number's text comes in parts when the input does; its value with the last part.
  bool on_number_part(json::string_view s, json::error_code&) {
    number_text_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_text_.clear();
    values_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_text_.clear();
    values_.push_uint64(u);
    return true;
  }
  bool on_double(double approximate, json::string_view s, json::error_code&) {
    number_text_.append(s.data(), s.size());
    double exact = 0;
    const char* end = number_text_.data() + number_text_.size();
    const auto [stop, error] = std::from_chars(number_text_.data(), end, exact);
    // Out of range (1e999) keeps the parser's value, an infinity the store refuses as before.
    values_.push_double(error == std::errc{} && stop == end ? exact : approximate);
    number_text_.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    values_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    values_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  json::value_stack values_;
  std::string number_text_;  // a JSON number is short; it holds one at a time
};

}  // namespace

json::value parse_exact(std::string_view text, json::error_code& ec) {
  json::basic_parser<exact_number_handler> parser{json::parse_options{}};
  const std::size_t parsed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && parsed < text.size()) ec = json::error::extra_data;
  if (ec) return nullptr;
  return parser.handler().release();
}

}  // namespace loopcheck::pdict
