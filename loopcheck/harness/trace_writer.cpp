#include "loopcheck/harness/trace_writer.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <ostream>

namespace loopcheck::harness {

namespace json = boost::json;

namespace {

double microseconds(std::chrono::nanoseconds t) { return static_cast<double>(t.count()) / 1000.0; }

std::string task_title(const timeline_task& t) {
  return t.site.empty() ? fmt::format("{} #{}", t.name, t.id) : fmt::format("{} #{} ({})", t.name, t.id, t.site);
}

// Events with their time, in the order they were made: sorted by time, stably, so that a begin
// made before its nested begins and ends stays before them at an equal time.
struct timed_events {
  std::vector<std::pair<double, json::object>> events;

  void add(std::chrono::nanoseconds at, json::object e) {
    e["ts"] = microseconds(at);
    events.emplace_back(microseconds(at), std::move(e));
  }
};

json::object metadata(std::string_view name, std::uint64_t pid, std::uint64_t tid, json::object args) {
  return json::object{{"ph", "M"}, {"name", name}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

json::object async_event(std::string_view phase, const timeline_task& t, std::string_view name,
                         json::object args = {}) {
  json::object e{{"ph", phase}, {"cat", "task"}, {"id", t.key}, {"name", name}, {"pid", t.context}, {"tid", t.key}};
  if (!args.empty()) e["args"] = std::move(args);
  return e;
}

}  // namespace

void write_trace(std::ostream& out, const run_timeline& timeline) {
  const bool simulated = timeline.clock() == timeline_clock::virtual_time;
  json::array meta;
  const auto notes = timeline.truncation_notes();
  std::string labels = simulated ? "virtual time" : "real time";
  if (!notes.empty()) labels += "; TRUNCATED";
  for (std::size_t c = 1; c <= timeline.contexts(); ++c) {
    meta.push_back(
        metadata("process_name", c, 0,
                 {{"name", fmt::format("{} context {} ({})", simulated ? "simulated" : "real", c, labels)}}));
    meta.push_back(metadata("thread_name", c, trace_file_system_tid, {{"name", "file system"}}));
    meta.push_back(metadata("thread_name", c, trace_marks_tid, {{"name", "faults, crash, findings"}}));
  }
  timed_events timed;
  for (const auto& t : timeline.tasks()) {
    const std::string title = task_title(t);
    meta.push_back(metadata("thread_name", t.context, t.key, {{"name", title}}));
    meta.push_back(metadata("thread_sort_index", t.context, t.key, {{"sort_index", t.key}}));
    timed.add(t.spawned,
              async_event("b", t, title,
                          {{"task", t.name}, {"task_id", t.id}, {"site", t.site}, {"spawned_by", t.parent_key}}));
    for (const auto& w : t.waits) {
      // Clamped into the task's life: a real run's threads read the clock out of order.
      const auto begin = std::clamp(w.begin, t.spawned, t.ended);
      const auto end = std::clamp(w.end, begin, t.ended);
      const std::string name = "wait: " + w.what;
      timed.add(begin, async_event("b", t, name));
      timed.add(end, async_event("e", t, name));
    }
    timed.add(t.ended, async_event("e", t, title, {{"end", to_string(t.end)}}));
    if (t.parent_key != 0) {
      // A flow binds to the thread slice enclosing its end points: a zero-length `X` slice on the
      // spawner's thread and one on the spawned task's, at the spawn, carry it.
      const auto& parent = timeline.tasks()[t.parent_key - 1];
      const std::string spawned = fmt::format("{} #{}", t.name, t.id);
      timed.add(t.spawned, {{"ph", "X"}, {"cat", "spawn"}, {"name", "spawns " + spawned}, {"dur", 0},
                            {"pid", parent.context}, {"tid", parent.key}});
      timed.add(t.spawned, {{"ph", "s"}, {"cat", "spawn"}, {"id", t.key}, {"name", "spawn"},
                            {"pid", parent.context}, {"tid", parent.key}});
      timed.add(t.spawned, {{"ph", "X"}, {"cat", "spawn"}, {"name", fmt::format("spawned by {} #{}", parent.name, parent.id)},
                            {"dur", 0}, {"pid", t.context}, {"tid", t.key}});
      timed.add(t.spawned, {{"ph", "f"}, {"bp", "e"}, {"cat", "spawn"}, {"id", t.key}, {"name", "spawn"},
                            {"pid", t.context}, {"tid", t.key}});
    }
  }
  for (const auto& op : timeline.file_operations()) {
    timed.add(op.at, {{"ph", "i"},
                      {"s", "t"},
                      {"cat", "fs"},
                      {"name", op.operation},
                      {"pid", op.context},
                      {"tid", trace_file_system_tid},
                      {"args", {{"detail", op.detail}}}});
  }
  for (const auto& m : timeline.marks()) {
    json::object args{{"text", m.text}};
    if (m.task_key != 0) args["task_key"] = m.task_key;
    timed.add(m.at, {{"ph", "i"},
                     {"s", "t"},
                     {"cat", to_string(m.kind)},
                     {"name", fmt::format("{}: {}", to_string(m.kind), m.title)},
                     {"pid", m.context},
                     {"tid", trace_marks_tid},
                     {"args", std::move(args)}});
  }
  std::stable_sort(timed.events.begin(), timed.events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  json::array events = std::move(meta);
  for (auto& [ts, e] : timed.events) events.push_back(std::move(e));
  json::array truncations;
  for (const auto& n : notes) truncations.emplace_back(n);
  json::object root{{"traceEvents", std::move(events)},
                    {"displayTimeUnit", "ms"},
                    {"metadata",
                     {{"loopcheck_run", timeline.run_name()},
                      {"clock", simulated ? "virtual" : "real"},
                      {"tasks", timeline.tasks().size()},
                      {"truncated", !notes.empty()},
                      {"truncations", std::move(truncations)}}}};
  out << json::serialize(root) << '\n';
}

}  // namespace loopcheck::harness
