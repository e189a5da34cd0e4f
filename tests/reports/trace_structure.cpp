#include "trace_structure.hpp"

#include <fmt/format.h>
#include <map>
#include <tuple>

namespace loopcheck::test {

namespace json = boost::json;

trace_shape check_trace(const json::value& trace) {
  trace_shape shape;
  auto problem = [&](std::string text) { shape.problems.push_back(std::move(text)); };
  const auto* events = trace.is_object() ? trace.as_object().if_contains("traceEvents") : nullptr;
  if (events == nullptr || !events->is_array()) {
    problem("no traceEvents array");
    return shape;
  }
  using async_key = std::tuple<std::int64_t, std::string, std::int64_t>;  // pid, cat, id
  std::map<async_key, std::vector<std::string>> open;                     // names of open b's
  std::map<std::pair<std::int64_t, std::int64_t>, double> last_on_thread;
  std::map<async_key, double> last_on_async;
  std::map<std::int64_t, double> flow_starts;
  std::map<std::int64_t, int> flow_ends;
  std::size_t names = 0;
  for (const auto& item : events->as_array()) {
    const auto& e = item.as_object();
    const std::string ph(e.at("ph").as_string());
    const auto pid = e.at("pid").to_number<std::int64_t>();
    const auto tid = e.contains("tid") ? e.at("tid").to_number<std::int64_t>() : 0;
    if (ph == "M") {
      names += e.at("args").as_object().contains("name") ? 1 : 0;
      continue;
    }
    const double ts = e.at("ts").to_number<double>();
    const std::string cat(e.at("cat").as_string());
    const std::string name(e.at("name").as_string());
    auto& thread_last = last_on_thread.try_emplace({pid, tid}, ts).first->second;
    if (ts < thread_last)
      problem(fmt::format("'{}' at {} goes back on thread {}/{} (last {})", name, ts, pid, tid, thread_last));
    thread_last = std::max(thread_last, ts);
    if (ph == "b" || ph == "e") {
      const async_key key{pid, cat, e.at("id").to_number<std::int64_t>()};
      auto& async_last = last_on_async.try_emplace(key, ts).first->second;
      if (ts < async_last) problem(fmt::format("'{}' at {} goes back on its async track", name, ts));
      async_last = std::max(async_last, ts);
      auto& stack = open[key];
      if (ph == "b") {
        if (cat == "task") (stack.empty() ? shape.tasks : shape.waits) += 1;
        stack.push_back(name);
      } else if (stack.empty()) {
        problem(fmt::format("'e' of '{}' without its 'b'", name));
      } else if (stack.back() != name) {
        problem(fmt::format("'e' of '{}' closes '{}': not nested", name, stack.back()));
      } else {
        stack.pop_back();
      }
    } else if (ph == "s") {
      flow_starts[e.at("id").to_number<std::int64_t>()] = ts;
    } else if (ph == "f") {
      const auto id = e.at("id").to_number<std::int64_t>();
      const auto start = flow_starts.find(id);
      if (start == flow_starts.end())
        problem(fmt::format("flow end {} before or without its start", id));
      else if (ts < start->second)
        problem(fmt::format("flow {} ends before it starts", id));
      ++flow_ends[id];
    } else if (ph == "X") {
      if (!e.contains("dur") || e.at("dur").to_number<double>() < 0) problem(fmt::format("'X' '{}' without a duration", name));
    } else if (ph == "i") {
      if (cat == "finding") {
        ++shape.findings;
        shape.finding_texts.emplace_back(e.at("args").at("text").as_string());
      }
      shape.file_operations += cat == "fs" ? 1 : 0;
    } else {
      problem("unexpected phase '" + ph + "'");
    }
  }
  for (const auto& [key, stack] : open) {
    for (const auto& name : stack) problem(fmt::format("'b' of '{}' has no 'e'", name));
  }
  for (const auto& [id, ts] : flow_starts) {
    if (flow_ends[id] != 1) problem(fmt::format("flow {} has {} end(s)", id, flow_ends[id]));
  }
  shape.flows = flow_starts.size();
  if (names == 0) problem("no M event names a process or thread");
  return shape;
}

}  // namespace loopcheck::test
