#include "loopcheck/harness/sarif_report.hpp"

#include <boost/json.hpp>
#include <boost/url/url.hpp>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <ostream>
#include <string>

#include "loopcheck/harness/finding_kind_description.hpp"
#include "loopcheck/harness/finding_site.hpp"
#include "loopcheck/harness/reports.hpp"
#include "loopcheck/sim/fnv1a.hpp"

namespace loopcheck::harness {

namespace {

namespace json = boost::json;

constexpr std::string_view schema_uri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view source_root_id = "SRCROOT";
constexpr std::string_view fingerprint_key = "loopcheck/v1";
// GitHub code scanning takes at most 25,000 results per run; the rest would be dropped there.
constexpr std::size_t max_results = 25'000;

// An artifactLocation: relative to the source root when the file is under it, else absolute.
struct artifact {
  std::string uri;
  bool relative_to_root = false;
};

// SARIF wants a base URI (originalUriBaseIds) to end with '/'.
std::string file_uri(const std::filesystem::path& absolute, bool directory) {
  auto path = absolute.generic_string();
  if (directory && !path.ends_with('/')) path += '/';
  boost::urls::url u;
  u.set_scheme("file");
  u.set_encoded_authority("");
  u.set_path(path);
  return std::string(u.buffer());
}

std::string relative_uri(const std::filesystem::path& relative) {
  boost::urls::url u;
  u.set_path(relative.generic_string());
  return std::string(u.buffer());
}

artifact locate(const std::string& file, const std::filesystem::path& root) {
  const std::filesystem::path path(file);
  if (path.is_relative()) return {relative_uri(path.lexically_normal()), true};
  const auto relative = path.lexically_normal().lexically_relative(root);
  const bool under_root = !relative.empty() && *relative.begin() != "..";
  if (under_root) return {relative_uri(relative), true};
  return {file_uri(path.lexically_normal(), false), false};
}

std::string fingerprint(const finding& f, const artifact& where, std::uint32_t line) {
  const auto text = fmt::format("{}\n{}\n{}\n{}", to_string(f.kind), where.uri, line, f.task_name);
  return fmt::format("{:016x}", sim::fnv1a_64(text));
}

std::string result_text(const finding& f, const target_result& t, const std::string& runner) {
  std::string text;
  if (!f.task_name.empty()) text += fmt::format("task '{}': ", f.task_name);
  text += message_without_site(f);
  text += fmt::format(" ({}/{}", t.family, t.variant);
  if (!t.first_replay_token.empty()) text += "; replay: " + replay_command(runner, t.first_replay_token);
  return text + ")";
}

// SARIF wants a rule's name readable and different from its id: leaked_task → LeakedTask.
std::string rule_name(finding_kind kind) {
  std::string name;
  bool word_start = true;
  for (const char c : to_string(kind)) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    name += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return name;
}

json::object rule_json(finding_kind kind) {
  const auto description = describe(kind);
  return {{"id", to_string(kind)},
          {"name", rule_name(kind)},
          {"shortDescription", {{"text", description.summary}}},
          {"fullDescription", {{"text", description.detail}}},
          {"defaultConfiguration", {{"level", "error"}}}};
}

}  // namespace

void write_sarif(std::ostream& out, const campaign_result& result, const sarif_settings& settings) {
  const auto root = std::filesystem::absolute(settings.source_root).lexically_normal();
  json::array rules;
  std::map<finding_kind, std::size_t> rule_index;
  json::array results;
  std::map<std::string, std::size_t> result_by_fingerprint;
  std::uint64_t without_site = 0;
  std::uint64_t over_limit = 0;
  for (const auto& t : result.targets) {
    for (const auto& f : t.first_findings) {
      const auto site = site_of(f);
      if (!site) {
        ++without_site;
        continue;
      }
      const auto where = locate(site->file, root);
      auto key = fingerprint(f, where, site->line);
      if (const auto seen = result_by_fingerprint.find(key); seen != result_by_fingerprint.end()) {
        auto& count = results[seen->second].as_object()["occurrenceCount"];
        count = count.as_int64() + 1;
        continue;
      }
      if (results.size() == max_results) {
        ++over_limit;
        continue;
      }
      const auto [rule, added] = rule_index.try_emplace(f.kind, rules.size());
      if (added) rules.push_back(rule_json(f.kind));
      json::object artifact_location{{"uri", where.uri}};
      if (where.relative_to_root) artifact_location["uriBaseId"] = source_root_id;
      json::object physical{{"artifactLocation", std::move(artifact_location)},
                            {"region", {{"startLine", site->line}}}};
      results.push_back(json::object{
          {"ruleId", to_string(f.kind)},
          {"ruleIndex", rule->second},
          {"level", "error"},
          {"message", {{"text", result_text(f, t, result.runner_program)}}},
          {"locations", json::array{json::object{{"physicalLocation", std::move(physical)}}}},
          {"partialFingerprints", {{fingerprint_key, key}}},
          {"occurrenceCount", 1}});
      result_by_fingerprint[std::move(key)] = results.size() - 1;
    }
  }
  json::object driver{{"name", "loopcheck"}, {"semanticVersion", LOOPCHECK_VERSION}, {"rules", std::move(rules)}};
  json::object run{
      {"tool", {{"driver", std::move(driver)}}},
      {"originalUriBaseIds", {{source_root_id, {{"uri", file_uri(root, true)}}}}},
      {"results", std::move(results)},
      {"properties", {{"findingsWithoutSourceSite", without_site}, {"resultsOverLimit", over_limit}}}};
  const json::object log{{"$schema", schema_uri}, {"version", "2.1.0"}, {"runs", json::array{std::move(run)}}};
  out << json::serialize(log) << "\n";
}

}  // namespace loopcheck::harness
