#include <boost/test/unit_test.hpp>

#include "loopcheck/harness/finding_site.hpp"

using loopcheck::finding;
namespace harness = loopcheck::harness;

BOOST_AUTO_TEST_SUITE(finding_sites)

BOOST_AUTO_TEST_CASE(a_compile_time_site_is_the_source_location) {
  finding f;
  f.site = std::source_location::current();
  f.message = "at other.cpp:3: text";  // the source_location wins
  const auto site = harness::site_of(f);
  BOOST_REQUIRE(site.has_value());
  BOOST_TEST(site->file == f.site.file_name());
  BOOST_TEST(site->line == f.site.line());
}

BOOST_AUTO_TEST_CASE(a_site_read_back_from_text_is_the_message_prefix) {
  finding f;
  f.message = harness::message_with_site({"/src/a:b.cpp", 42}, "leaked: 3 operations");
  BOOST_TEST(f.message == "at /src/a:b.cpp:42: leaked: 3 operations");
  const auto site = harness::site_of(f);
  BOOST_REQUIRE(site.has_value());
  BOOST_TEST(site->file == "/src/a:b.cpp");  // a ':' in the path is kept
  BOOST_TEST(site->line == 42u);
  BOOST_TEST(harness::message_without_site(f) == "leaked: 3 operations");
}

BOOST_AUTO_TEST_CASE(a_message_without_a_site_prefix_has_no_site) {
  for (const char* text : {"", "at the end", "at x.cpp: no line", "at x.cpp:0: line zero", "at :7: no file",
                           "at x.cpp:99999999999: too long", "storage position 0 holds batch 3"}) {
    finding f;
    f.message = text;
    BOOST_TEST(!harness::site_of(f).has_value(), text);
    BOOST_TEST(harness::message_without_site(f) == text);
  }
}

BOOST_AUTO_TEST_SUITE_END()
