#include "loopcheck/harness/reports.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <ostream>
#include <pugixml.hpp>

namespace loopcheck::harness {

namespace json = boost::json;

bool target_failed(const target_result& t, verdict_rule rule) {
  return rule == verdict_rule::gate ? t.seeds_with_findings != 0 : !t.expectation_held();
}

std::string replay_command(const target_result& t) {
  return t.first_replay_token.empty() ? std::string() : "loopcheck replay " + t.first_replay_token;
}

namespace {

std::string expected_text(const target_result& t) {
  if (t.is_reference()) return "silent";
  std::string kinds;
  for (auto k : t.caught_by) kinds += (kinds.empty() ? "" : "|") + std::string(to_string(k));
  return "caught (" + kinds + ")";
}

std::string observed_text(const target_result& t) {
  if (t.seeds_with_findings == 0) return "silent";
  if (!t.is_reference() && t.seeds_caught > 0) return fmt::format("caught in {}/{} seeds", t.seeds_caught, t.seeds_run);
  return fmt::format("findings in {}/{} seeds", t.seeds_with_findings, t.seeds_run);
}

json::object finding_json(const finding& f) {
  json::object o;
  o["kind"] = to_string(f.kind);
  o["task"] = f.task_name;
  o["task_id"] = f.task_id;
  o["site"] = f.site.line() == 0 ? std::string() : fmt::format("{}:{}", f.site.file_name(), f.site.line());
  o["time_ns"] = f.time.count();
  o["message"] = f.message;
  return o;
}

// JUnit readers want a plain decimal, never an exponent.
std::string seconds_text(double seconds) { return fmt::format("{:.6f}", seconds); }

template <typename Map>
json::object counts_json(const Map& counts) {
  json::object o;
  for (const auto& [name, n] : counts) o[name] = n;
  return o;
}

}  // namespace

void write_text(std::ostream& out, const campaign_result& result, verdict_rule rule) {
  fmt::print(out, "{:<18} {:<24} {:<34} {:<26} {:>6}  {}\n", "family", "variant", "expected", "observed", "needed",
             rule == verdict_rule::selftest ? "holds" : "verdict");
  for (const auto& t : result.targets) {
    const std::string needed = t.is_reference() || t.seeds_needed == 0 ? "-" : std::to_string(t.seeds_needed);
    const char* verdict = rule == verdict_rule::selftest ? (t.expectation_held() ? "yes" : "NO")
                                                         : (target_failed(t, rule) ? "FINDINGS" : "ok");
    fmt::print(out, "{:<18} {:<24} {:<34} {:<26} {:>6}  {}\n", t.family, t.variant, expected_text(t), observed_text(t),
               needed, verdict);
  }
  for (const auto& t : result.targets) {
    if (!target_failed(t, rule) && !(rule == verdict_rule::selftest && t.seeds_with_findings != 0)) continue;
    if (t.first_findings.empty()) continue;
    fmt::print(out, "\n{}/{} seed {}:\n", t.family, t.variant, *t.first_seed_with_findings);
    for (const auto& f : t.first_findings) fmt::print(out, "  {}\n", format(f));
    fmt::print(out, "  replay: {}\n", replay_command(t));
    if (!t.minimal_replay_token.empty() && t.minimal_replay_token != t.first_replay_token) {
      fmt::print(out, "  shrunk in {} runs to a minimal case:\n", t.shrink_attempts);
      for (const auto& f : t.minimal_findings) fmt::print(out, "    {}\n", format(f));
      fmt::print(out, "  replay minimal: loopcheck replay {}\n", t.minimal_replay_token);
    }
  }
  fmt::print(out, "\n{} runs in {:.2f} s, {} with findings\n", result.runs, result.wall_seconds, result.findings());
  if (result.runs_skipped_by_time_budget != 0) {
    fmt::print(out, "{} planned runs were skipped: the time budget ran out\n", result.runs_skipped_by_time_budget);
  }
}

void write_json(std::ostream& out, const campaign_result& result, verdict_rule rule) {
  json::object root;
  root["schema"] = "loopcheck.run";
  root["schema_version"] = 1;
  json::object summary;
  summary["runs"] = result.runs;
  summary["runs_skipped_by_time_budget"] = result.runs_skipped_by_time_budget;
  summary["runs_with_findings"] = result.findings();
  summary["wall_seconds"] = result.wall_seconds;
  summary["rule"] = rule == verdict_rule::gate ? "gate" : "selftest";
  std::uint64_t failed = 0;
  json::array targets;
  for (const auto& t : result.targets) {
    json::object o;
    o["family"] = t.family;
    o["variant"] = t.variant;
    json::array caught_by;
    for (auto k : t.caught_by) caught_by.push_back(json::string(to_string(k)));
    o["expected"] = t.is_reference() ? "silent" : "caught";
    o["caught_by"] = std::move(caught_by);
    o["seeds_run"] = t.seeds_run;
    o["seeds_with_findings"] = t.seeds_with_findings;
    o["seeds_caught"] = t.seeds_caught;
    o["seeds_needed"] = t.seeds_needed;
    o["expectation_held"] = t.expectation_held();
    o["failed"] = target_failed(t, rule);
    failed += target_failed(t, rule);
    if (t.first_seed_with_findings) {
      json::object first;
      first["seed"] = *t.first_seed_with_findings;
      first["replay_token"] = t.first_replay_token;
      first["replay_command"] = replay_command(t);
      json::array findings;
      for (const auto& f : t.first_findings) findings.push_back(finding_json(f));
      first["findings"] = std::move(findings);
      o["first_failure"] = std::move(first);
      json::object minimal;
      minimal["replay_token"] = t.minimal_replay_token;
      minimal["replay_command"] = "loopcheck replay " + t.minimal_replay_token;
      minimal["shrink_attempts"] = t.shrink_attempts;
      json::array minimal_findings;
      for (const auto& f : t.minimal_findings) minimal_findings.push_back(finding_json(f));
      minimal["findings"] = std::move(minimal_findings);
      o["minimal_failure"] = std::move(minimal);
    }
    json::object coverage;
    coverage["probes"] = counts_json(t.probes);
    coverage["faults_reached"] = counts_json(t.faults_reached);
    coverage["faults_fired"] = counts_json(t.faults_fired);
    o["coverage"] = std::move(coverage);
    targets.push_back(std::move(o));
  }
  summary["targets_failed"] = failed;
  root["summary"] = std::move(summary);
  root["targets"] = std::move(targets);
  out << json::serialize(root) << "\n";
}

void write_junit(std::ostream& out, const campaign_result& result, verdict_rule rule) {
  pugi::xml_document doc;
  auto suites = doc.append_child("testsuites");
  auto suite = suites.append_child("testsuite");
  suite.append_attribute("name") = "loopcheck";
  std::uint64_t failures = 0;
  for (const auto& t : result.targets) failures += target_failed(t, rule);
  suite.append_attribute("tests") = static_cast<unsigned long long>(result.targets.size());
  suite.append_attribute("failures") = static_cast<unsigned long long>(failures);
  suite.append_attribute("errors") = 0;
  suite.append_attribute("skipped") = 0;
  suite.append_attribute("time") = seconds_text(result.wall_seconds).c_str();
  for (const auto& t : result.targets) {
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = t.family.c_str();
    tc.append_attribute("name") = t.variant.c_str();
    tc.append_attribute("time") = seconds_text(t.wall_seconds).c_str();
    if (target_failed(t, rule)) {
      if (t.first_findings.empty()) {
        auto failure = tc.append_child("failure");
        failure.append_attribute("message") = fmt::format("expected {}, observed {}", expected_text(t), observed_text(t)).c_str();
        failure.append_attribute("type") = "expectation";
      }
      for (const auto& f : t.first_findings) {
        auto failure = tc.append_child("failure");
        failure.append_attribute("message") = f.message.c_str();
        failure.append_attribute("type") = std::string(to_string(f.kind)).c_str();
        failure.append_child(pugi::node_pcdata).set_value(format(f).c_str());
      }
    }
    if (!t.first_replay_token.empty()) {
      std::string replay = replay_command(t);
      if (!t.minimal_replay_token.empty()) replay += "\nminimal: loopcheck replay " + t.minimal_replay_token;
      tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(replay.c_str());
    }
  }
  doc.save(out, "  ");
}

}  // namespace loopcheck::harness
