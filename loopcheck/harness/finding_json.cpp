#include "loopcheck/harness/finding_json.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace loopcheck::harness {

namespace json = boost::json;

json::object to_json(const finding& f) {
  json::object o;
  o["kind"] = to_string(f.kind);
  o["task"] = f.task_name;
  o["task_id"] = f.task_id;
  o["site"] = f.site.line() == 0 ? std::string() : fmt::format("{}:{}", f.site.file_name(), f.site.line());
  o["time_ns"] = f.time.count();
  o["message"] = f.message;
  if (!f.evidence.empty()) o["evidence"] = f.evidence;
  return o;
}

finding finding_from_json(const json::object& o) {
  const auto kind = parse_finding_kind(o.at("kind").as_string());
  if (!kind) throw std::invalid_argument(fmt::format("unknown finding kind '{}'", std::string_view(o.at("kind").as_string())));
  finding f;
  f.kind = *kind;
  f.task_name = json::value_to<std::string>(o.at("task"));
  f.task_id = json::value_to<std::uint64_t>(o.at("task_id"));
  f.time = std::chrono::nanoseconds(json::value_to<std::int64_t>(o.at("time_ns")));
  const auto site = json::value_to<std::string>(o.at("site"));
  f.message = (site.empty() ? "" : "at " + site + ": ") + json::value_to<std::string>(o.at("message"));
  if (const auto* evidence = o.if_contains("evidence")) f.evidence = json::value_to<std::string>(*evidence);
  return f;
}

}  // namespace loopcheck::harness
