// The HTML report's document (harness/html_report.hpp) without a browser: well-formed XHTML,
// texts from findings escaped, the page's own parts present. tests/reports/check_html_report.py
// checks the page as Chromium renders it.
#include <boost/test/unit_test.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "loopcheck/harness/html_report.hpp"

namespace harness = loopcheck::harness;

namespace {

harness::campaign_result hostile_campaign() {
  harness::target_result t;
  t.family = "family<script>";
  t.variant = "variant\"&'";
  t.caught_by = {loopcheck::finding_kind::lost_write};
  t.seeds_run = 1;
  t.seeds_with_findings = 1;
  t.seeds_caught = 1;
  t.first_seed_with_findings = 0;
  t.first_replay_token = "family<script>/variant/0/random/sim";
  t.first_findings.push_back(
      loopcheck::finding{loopcheck::finding_kind::lost_write, {}, 0, {}, {}, "<script>alert(1)</script> & </td>"});
  t.faults_reached["site<b>"] = 2;
  harness::campaign_result result;
  result.runs = 1;
  result.targets.push_back(t);
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_html_report_escapes_what_it_shows_and_is_well_formed) {
  std::ostringstream out;
  harness::write_html(out, hostile_campaign(), harness::verdict_rule::gate, {});
  const std::string page = out.str();
  BOOST_TEST(page.rfind("<!DOCTYPE html>", 0) == 0u);
  BOOST_TEST(page.find("<script>alert") == std::string::npos);
  BOOST_TEST(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/td&gt;") != std::string::npos);
  pugi::xml_document doc;
  const auto parsed = doc.load_string(page.c_str(), pugi::parse_default | pugi::parse_doctype);
  BOOST_TEST_REQUIRE(static_cast<bool>(parsed), parsed.description());
  const auto row = doc.select_node("//tr[@data-family='family<script>']").node();
  BOOST_TEST(std::string(row.attribute("data-variant").value()) == "variant\"&'");
  BOOST_TEST(doc.select_nodes("//li[@class='finding-line']").size() == 1u);
  BOOST_TEST(std::string(doc.select_node("//button[@class='copy']").node().attribute("data-command").value()) ==
             "loopcheck replay family<script>/variant/0/random/sim");
  BOOST_TEST(doc.select_nodes("//script").size() == 1u);  // only the page's own
  BOOST_TEST(std::string(doc.select_node("//p[contains(@class,'no-timeline')]").node().text().get()).find("no run") !=
             std::string::npos);
}
