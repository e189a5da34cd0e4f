// Real mode: thread-loop on real threads, runs isolated in a child process, and sanitizer logs
// read back as findings.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/finding_site.hpp"
#include "loopcheck/harness/isolated_run.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/sanitizer_log.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"

namespace harness = loopcheck::harness;
using loopcheck::finding;
using loopcheck::finding_kind;

namespace {

const harness::scenario& thread_loop() {
  const auto* family = harness::scenario_registry::instance().find("thread-loop");
  BOOST_REQUIRE(family != nullptr);
  return *family;
}

harness::run_spec real_spec(std::string_view variant, std::uint64_t seed = 0) {
  std::string error;
  auto spec = harness::parse_replay_token(fmt::format("thread-loop/{}/{}/random/real", variant, seed), error);
  BOOST_REQUIRE_MESSAGE(spec, error);
  return *spec;
}

std::size_t count(const std::vector<finding>& findings, finding_kind kind) {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [kind](const finding& f) { return f.kind == kind; }));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(thread_loop_real)

BOOST_AUTO_TEST_CASE(thread_loop_runs_in_real_mode) {
  const auto modes = thread_loop().modes();
  BOOST_TEST((std::find(modes.begin(), modes.end(), harness::run_mode::real) != modes.end()));
}

// Real threads, real time: every seed must come out the same way, or the variant is flaky.
BOOST_AUTO_TEST_CASE(every_variant_behaves_as_expected_on_every_seed) {
  for (const auto& v : thread_loop().variants()) {
    harness::campaign_spec spec;
    spec.targets = {{&thread_loop(), v}};
    spec.mode = harness::run_mode::real;
    spec.seeds.resize(v.is_reference() ? 60 : 12);
    std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
    spec.jobs = 2;
    spec.shrink_failures = false;
    const auto t = harness::run_campaign(spec).targets.at(0);
    BOOST_TEST_CONTEXT(v.name) {
      BOOST_TEST(t.seeds_run == spec.seeds.size());
      if (v.is_reference()) BOOST_TEST(t.seeds_with_findings == 0u);
      else BOOST_TEST(t.seeds_caught == t.seeds_run);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_bug_is_caught_by_its_own_finding) {
  const auto never_run = harness::run_scenario(thread_loop(), real_spec("never-run"));
  BOOST_TEST(count(never_run.findings, finding_kind::unawaited_task) == 4u);
  // Every delivery had started its request when the daemon was killed: leaked, not orphaned.
  const auto killed = harness::run_scenario(thread_loop(), real_spec("killed-daemon"));
  BOOST_TEST(count(killed.findings, finding_kind::leaked_task) == 4u);
  BOOST_TEST(count(killed.findings, finding_kind::lost_write) == 1u);
  const auto foreign = harness::run_scenario(thread_loop(), real_spec("foreign-touch"));
  BOOST_TEST(count(foreign.findings, finding_kind::wrong_thread) == 1u);
}

// The foreign thread's update races with the loop's. A ThreadSanitizer build must report it —
// in a child process, so that this test run (halt_on_error=1 in CI) does not halt — and the
// report must come back as evidence; other builds see the wrong_thread finding only.
BOOST_AUTO_TEST_CASE(foreign_touch_is_a_data_race_that_tsan_reports) {
  const auto result = harness::run_scenario(thread_loop(), real_spec("foreign-touch"));
  BOOST_TEST(count(result.findings, finding_kind::wrong_thread) == 1u);
#if defined(__SANITIZE_THREAD__)
  BOOST_TEST(harness::isolate_sanitizer_reports());
  const auto report = std::find_if(result.findings.begin(), result.findings.end(),
                                   [](const finding& f) { return f.kind == finding_kind::sanitizer_report; });
  BOOST_REQUIRE(report != result.findings.end());
  BOOST_TEST(harness::message_without_site(*report).starts_with("ThreadSanitizer: data race"));
  const auto site = harness::site_of(*report);  // the racing line, for the SARIF report
  BOOST_REQUIRE(site.has_value());
  BOOST_TEST(site->file.ends_with("thread_loop.cpp"));
  BOOST_TEST(report->evidence.find("WARNING: ThreadSanitizer: data race") != std::string::npos);
#else
  BOOST_TEST(!harness::isolate_sanitizer_reports());
  BOOST_TEST(count(result.findings, finding_kind::sanitizer_report) == 0u);
#endif
}

// The isolation protocol itself, in every build: a child of this program runs the spec and
// hands back its findings and metrics.
BOOST_AUTO_TEST_CASE(an_isolated_run_returns_the_findings_of_its_child) {
  auto spec = real_spec("never-run");
  spec.options["messages"] = 3;
  const auto result = harness::run_isolated(spec, thread_loop());
  BOOST_TEST(count(result.findings, finding_kind::unawaited_task) == 3u);
  BOOST_TEST(result.findings.size() == 3u);
  BOOST_TEST(result.findings[0].message.starts_with("at "));  // the site travels as text
  BOOST_TEST(result.metrics.at("delivered") == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sanitizer_logs)

constexpr std::string_view tsan_log =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=4242)\n"
    "  Write of size 8 at 0x7b0400000010 by thread T2:\n"
    "    #0 append thread_loop.cpp:40 (harness_tests+0x1234)\n"
    "\n"
    "  Previous write of size 8 at 0x7b0400000010 by thread T1:\n"
    "    #0 append thread_loop.cpp:40 (harness_tests+0x1234)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race thread_loop.cpp:40 in append\n"
    "==================\n"
    "==================\n"
    "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=4242)\n"
    "SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) a.cpp:7 in f\n"
    "==================\n"
    "ThreadSanitizer: reported 2 warnings\n";

BOOST_AUTO_TEST_CASE(each_report_becomes_a_finding_with_its_summary_and_text) {
  const auto findings = harness::parse_sanitizer_log(tsan_log);
  BOOST_REQUIRE(findings.size() == 2u);
  BOOST_TEST(findings[0].kind == finding_kind::sanitizer_report);
  BOOST_TEST(findings[0].message == "at thread_loop.cpp:40: ThreadSanitizer: data race thread_loop.cpp:40 in append");
  const auto site = harness::site_of(findings[0]);  // what the SARIF report places it by
  BOOST_REQUIRE(site.has_value());
  BOOST_TEST(site->file == "thread_loop.cpp");
  BOOST_TEST(site->line == 40u);
  BOOST_TEST(findings[0].evidence.starts_with("WARNING: ThreadSanitizer: data race (pid=4242)\n"));
  BOOST_TEST(findings[0].evidence.find("Previous write of size 8") != std::string::npos);
  // No frame with a file and line, and its SUMMARY line is not a frame: no site.
  BOOST_TEST(findings[1].message == "ThreadSanitizer: lock-order-inversion (potential deadlock) a.cpp:7 in f");
  BOOST_TEST(!harness::site_of(findings[1]).has_value());
  BOOST_TEST(findings[1].evidence.find("data race") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_asan_report_runs_to_the_end_of_the_log) {
  const auto findings = harness::parse_sanitizer_log(
      "=================================================================\n"
      "==77==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n"
      "SUMMARY: AddressSanitizer: heap-use-after-free a.cpp:3 in main\n"
      "Shadow bytes around the buggy address:\n"
      "==77==ABORTING");
  BOOST_REQUIRE(findings.size() == 1u);
  BOOST_TEST(findings[0].message == "AddressSanitizer: heap-use-after-free a.cpp:3 in main");  // no frames
  BOOST_TEST(findings[0].evidence.find("==77==ABORTING") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_log_without_reports_has_no_findings) {
  BOOST_TEST(harness::parse_sanitizer_log("").empty());
  BOOST_TEST(harness::parse_sanitizer_log("ThreadSanitizer: reported 0 warnings\n").empty());
}

BOOST_AUTO_TEST_SUITE_END()
