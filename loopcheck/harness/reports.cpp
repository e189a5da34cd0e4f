#include "loopcheck/harness/reports.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <istream>
#include <iterator>
#include <map>
#include <set>
#include <ostream>
#include <stdexcept>
#include <pugixml.hpp>

#include "loopcheck/harness/finding_json.hpp"
#include "loopcheck/harness/outcome_matrix.hpp"

namespace loopcheck::harness {

namespace json = boost::json;

bool target_failed(const target_result& t, verdict_rule rule) {
  return rule == verdict_rule::gate ? t.seeds_with_findings != 0 : !t.expectation_held();
}

std::string replay_command(const std::string& runner_program, const std::string& token) {
  return token.empty() ? std::string() : runner_program + " replay " + token;
}

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

namespace {

// JUnit readers want a plain decimal, never an exponent.
std::string seconds_text(double seconds) { return fmt::format("{:.6f}", seconds); }

template <typename Map>
json::object counts_json(const Map& counts) {
  json::object o;
  for (const auto& [name, n] : counts) o[name] = n;
  return o;
}

// The target's row of its family's outcome matrix: {column: {runs, runs_with_findings,
// finding_kinds: {kind: runs}, outcome}}.
json::object matrix_json(const target_result& t) {
  json::object matrix;
  for (const auto& [column, cell] : matrix_cells(t)) {
    json::object c;
    c["runs"] = cell.runs;
    c["runs_with_findings"] = cell.runs_with_findings;
    json::object kinds;
    for (const auto& [kind, runs] : cell.runs_by_kind) kinds[to_string(kind)] = runs;
    c["finding_kinds"] = std::move(kinds);
    c["outcome"] = cell_text(t, cell);
    matrix[column] = std::move(c);
  }
  return matrix;
}

// A finding's evidence (a sanitizer's whole report) is too long for the summary: it says where
// to read it.
void print_findings(std::ostream& out, const std::vector<finding>& findings, std::string_view indent) {
  for (const auto& f : findings) {
    fmt::print(out, "{}{}\n", indent, format(f));
    if (f.evidence.empty()) continue;
    const auto lines = std::count(f.evidence.begin(), f.evidence.end(), '\n');
    fmt::print(out, "{}  full report ({} lines): the JSON report's \"evidence\", the JUnit report's system-err\n", indent, lines);
  }
}

// Each family's outcome matrix (outcome_matrix.hpp) as a grid: a row per variant, a column per
// condition.
void write_matrices(std::ostream& out, const campaign_result& result) {
  std::vector<std::string> families;
  for (const auto& t : result.targets) {
    if (std::find(families.begin(), families.end(), t.family) == families.end()) families.push_back(t.family);
  }
  for (const auto& family : families) {
    std::vector<std::pair<const target_result*, std::map<std::string, matrix_cell>>> rows;
    std::set<std::string> columns;
    for (const auto& t : result.targets) {
      if (t.family != family) continue;
      auto cells = matrix_cells(t);
      for (const auto& [column, cell] : cells) columns.insert(column);
      rows.emplace_back(&t, std::move(cells));
    }
    if (columns.empty()) continue;
    std::vector<std::vector<std::string>> grid{{"variant"}};
    grid[0].insert(grid[0].end(), columns.begin(), columns.end());
    for (const auto& [t, cells] : rows) {
      std::vector<std::string> line{t->variant};
      for (const auto& c : columns) line.push_back(cells.contains(c) ? cell_text(*t, cells.at(c)) : std::string("-"));
      grid.push_back(std::move(line));
    }
    std::vector<std::size_t> widths(grid[0].size(), 0);
    for (const auto& line : grid) {
      for (std::size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], line[i].size());
    }
    fmt::print(out, "\n{} matrix: a row per variant, a column per condition (runs with findings / runs)\n", family);
    for (const auto& line : grid) {
      std::string text = " ";
      for (std::size_t i = 0; i < line.size(); ++i) text += fmt::format(" {:<{}}", line[i], widths[i] + 1);
      while (text.ends_with(' ')) text.pop_back();
      fmt::print(out, "{}\n", text);
    }
  }
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
  write_matrices(out, result);
  for (const auto& t : result.targets) {
    if (!target_failed(t, rule) && !(rule == verdict_rule::selftest && t.seeds_with_findings != 0)) continue;
    if (t.first_findings.empty()) continue;
    fmt::print(out, "\n{}/{} seed {}:\n", t.family, t.variant, *t.first_seed_with_findings);
    print_findings(out, t.first_findings, "  ");
    fmt::print(out, "  replay: {}\n", replay_command(result.runner_program, t.first_replay_token));
    if (!t.minimal_replay_token.empty() && t.minimal_replay_token != t.first_replay_token) {
      fmt::print(out, "  shrunk in {} runs to a minimal case:\n", t.shrink_attempts);
      print_findings(out, t.minimal_findings, "    ");
      fmt::print(out, "  replay minimal: {}\n", replay_command(result.runner_program, t.minimal_replay_token));
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
  root["runner"] = result.runner_program;
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
      first["replay_command"] = replay_command(result.runner_program, t.first_replay_token);
      json::array findings;
      for (const auto& f : t.first_findings) findings.push_back(to_json(f));
      first["findings"] = std::move(findings);
      o["first_failure"] = std::move(first);
      json::object minimal;
      minimal["replay_token"] = t.minimal_replay_token;
      minimal["replay_command"] = replay_command(result.runner_program, t.minimal_replay_token);
      minimal["shrink_attempts"] = t.shrink_attempts;
      json::array minimal_findings;
      for (const auto& f : t.minimal_findings) minimal_findings.push_back(to_json(f));
      minimal["findings"] = std::move(minimal_findings);
      o["minimal_failure"] = std::move(minimal);
    }
    json::object coverage;
    coverage["probes"] = counts_json(t.probes);
    coverage["faults_reached"] = counts_json(t.faults_reached);
    coverage["faults_fired"] = counts_json(t.faults_fired);
    o["coverage"] = std::move(coverage);
    o["metric_sums"] = counts_json(t.metric_sums);
    if (auto matrix = matrix_json(t); !matrix.empty()) o["matrix"] = std::move(matrix);
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
      std::string replay = replay_command(result.runner_program, t.first_replay_token);
      if (!t.minimal_replay_token.empty()) {
        replay += "\nminimal: " + replay_command(result.runner_program, t.minimal_replay_token);
      }
      tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(replay.c_str());
    }
    std::string evidence;
    for (const auto& f : t.first_findings) {
      if (!f.evidence.empty()) evidence += fmt::format("{}\n{}\n", format(f), f.evidence);
    }
    if (!evidence.empty()) {
      tc.append_child("system-err").append_child(pugi::node_pcdata).set_value(evidence.c_str());
    }
  }
  doc.save(out, "  ");
}

namespace {

[[noreturn]] void bad_report(const std::string& name, const std::string& what) {
  throw std::runtime_error(fmt::format("report '{}' is not a loopcheck.run v1 JSON report: {}", name, what));
}

std::vector<finding> findings_from(const json::value& v, const std::string& name) {
  std::vector<finding> out;
  for (const auto& item : v.as_array()) {
    try {
      out.push_back(finding_from_json(item.as_object()));
    } catch (const std::invalid_argument& e) {
      bad_report(name, e.what());
    }
  }
  return out;
}

// Boost.JSON reads a number too large for a double (1e999) as infinity and writes it back as
// `Infinity`, which no JSON parser reads: such a report would merge into an unreadable one.
double finite_number(const json::value& v, const std::string& name) {
  const auto number = json::value_to<double>(v);
  if (!std::isfinite(number)) bad_report(name, "a number is too large for a double");
  return number;
}

template <typename Map>
void counts_from(const json::value& v, Map& into) {
  for (const auto& [name, n] : v.as_object()) into[std::string(name)] += json::value_to<std::uint64_t>(n);
}

}  // namespace

campaign_result read_json(std::istream& in, const std::string& name) {
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) bad_report(name, ec.message());
  try {
    const auto& root = doc.as_object();
    if (root.at("schema").as_string() != "loopcheck.run" || root.at("schema_version").as_int64() != 1) {
      bad_report(name, "wrong schema or version");
    }
    campaign_result result;
    // Added after version 1 was first written: older reports came from `loopcheck` itself.
    if (const auto* runner = root.if_contains("runner")) result.runner_program = json::value_to<std::string>(*runner);
    result.runs = json::value_to<std::uint64_t>(root.at("summary").at("runs"));
    result.runs_skipped_by_time_budget = json::value_to<std::uint64_t>(root.at("summary").at("runs_skipped_by_time_budget"));
    result.wall_seconds = finite_number(root.at("summary").at("wall_seconds"), name);
    for (const auto& item : root.at("targets").as_array()) {
      const auto& o = item.as_object();
      target_result t;
      t.family = json::value_to<std::string>(o.at("family"));
      t.variant = json::value_to<std::string>(o.at("variant"));
      for (const auto& k : o.at("caught_by").as_array()) {
        const auto kind = parse_finding_kind(k.as_string());
        if (!kind) bad_report(name, "unknown finding kind in caught_by");
        t.caught_by.push_back(*kind);
      }
      t.seeds_run = json::value_to<std::uint64_t>(o.at("seeds_run"));
      t.seeds_with_findings = json::value_to<std::uint64_t>(o.at("seeds_with_findings"));
      t.seeds_caught = json::value_to<std::uint64_t>(o.at("seeds_caught"));
      t.seeds_needed = json::value_to<std::uint64_t>(o.at("seeds_needed"));
      if (const auto* first = o.if_contains("first_failure")) {
        t.first_seed_with_findings = json::value_to<std::uint64_t>(first->at("seed"));
        t.first_replay_token = json::value_to<std::string>(first->at("replay_token"));
        t.first_findings = findings_from(first->at("findings"), name);
      }
      if (const auto* minimal = o.if_contains("minimal_failure")) {
        t.minimal_replay_token = json::value_to<std::string>(minimal->at("replay_token"));
        t.shrink_attempts = json::value_to<std::uint64_t>(minimal->at("shrink_attempts"));
        t.minimal_findings = findings_from(minimal->at("findings"), name);
      }
      const auto& coverage = o.at("coverage");
      counts_from(coverage.at("probes"), t.probes);
      counts_from(coverage.at("faults_reached"), t.faults_reached);
      counts_from(coverage.at("faults_fired"), t.faults_fired);
      if (const auto* sums = o.if_contains("metric_sums")) {
        for (const auto& [metric, sum] : sums->as_object()) t.metric_sums[std::string(metric)] += finite_number(sum, name);
      }
      result.targets.push_back(std::move(t));
    }
    return result;
  } catch (const std::out_of_range& e) {
    bad_report(name, std::string("a field is missing: ") + e.what());
  } catch (const std::invalid_argument& e) {
    bad_report(name, std::string("a field has the wrong type: ") + e.what());
  } catch (const boost::system::system_error& e) {
    bad_report(name, std::string("a field has the wrong type: ") + e.what());
  }
}

campaign_result merge(const std::vector<campaign_result>& parts) {
  campaign_result merged;
  if (!parts.empty()) merged.runner_program = parts.front().runner_program;
  for (const auto& part : parts) {
    merged.runs += part.runs;
    merged.runs_skipped_by_time_budget += part.runs_skipped_by_time_budget;
    merged.wall_seconds = std::max(merged.wall_seconds, part.wall_seconds);  // shards run side by side
    for (const auto& t : part.targets) {
      auto it = std::find_if(merged.targets.begin(), merged.targets.end(),
                             [&](const target_result& m) { return m.family == t.family && m.variant == t.variant; });
      if (it == merged.targets.end()) {
        merged.targets.push_back(t);
        continue;
      }
      it->seeds_run += t.seeds_run;
      it->seeds_with_findings += t.seeds_with_findings;
      it->seeds_caught += t.seeds_caught;
      it->wall_seconds += t.wall_seconds;
      if (t.seeds_needed != 0 && (it->seeds_needed == 0 || t.seeds_needed < it->seeds_needed)) it->seeds_needed = t.seeds_needed;
      if (t.first_seed_with_findings &&
          (!it->first_seed_with_findings || *t.first_seed_with_findings < *it->first_seed_with_findings)) {
        it->first_seed_with_findings = t.first_seed_with_findings;
        it->first_findings = t.first_findings;
        it->first_replay_token = t.first_replay_token;
        it->minimal_findings = t.minimal_findings;
        it->minimal_replay_token = t.minimal_replay_token;
        it->shrink_attempts = t.shrink_attempts;
      }
      for (const auto& [k, n] : t.probes) it->probes[k] += n;
      for (const auto& [k, n] : t.faults_reached) it->faults_reached[k] += n;
      for (const auto& [k, n] : t.faults_fired) it->faults_fired[k] += n;
      // Saturated, not infinite: JSON cannot carry an infinity (finite_number).
      for (const auto& [k, n] : t.metric_sums) {
        it->metric_sums[k] = std::clamp(it->metric_sums[k] + n, std::numeric_limits<double>::lowest(),
                                        std::numeric_limits<double>::max());
      }
    }
  }
  return merged;
}

}  // namespace loopcheck::harness
