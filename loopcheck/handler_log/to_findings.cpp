#include "loopcheck/handler_log/to_findings.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <tuple>
#include <unordered_map>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::handler_log {

namespace {

// Ids named in a grouped finding before "and N more".
constexpr std::size_t max_ids_named = 5;

std::string kind_text(const analysis& log, interned kind) {
  return kind == none ? std::string("?") : log.kinds[kind];
}

std::string location_text(const analysis& log, interned location) {
  if (location == none) return "";
  const auto& l = log.locations[location];
  if (l.func.empty()) return fmt::format("({}:{})", l.file, l.line);
  return fmt::format("'{}' ({}:{})", l.func, l.file, l.line);
}

std::string_view describe(problem_kind what) {
  switch (what) {
    case problem_kind::exception:
      return "left by exception (out of the handler into the caller of run(); the log cannot show whether that caller "
             "handled it)";
    case problem_kind::destroyed_uninvoked:
      return "destroyed without being invoked (its execution context was shut down or destroyed while it was pending)";
    case problem_kind::pending_at_end:
      return "pending when the log ends (never invoked nor destroyed: the program exited without destroying its "
             "execution context, or the log is cut short)";
    case problem_kind::running_at_end:
      return "running when the log ends (entered, never returned: the program exited or crashed inside it, or the "
             "log is cut short)";
  }
  return "?";
}

// "#2 deadline_timer.async_wait in 'sleeper' (t.cpp:7) <- #1 io_context.execute in ... <- (created outside any handler)"
std::string chain_text(const analysis& log, const operation& op) {
  std::string text = fmt::format("#{} {}", op.id, kind_text(log, op.kind));
  for (std::size_t i = 0; i < op.location_count; ++i) {
    text += fmt::format("{} {}", i == 0 ? " in" : ", called from", location_text(log, op.locations[i]));
  }
  for (std::size_t i = 0; i < op.ancestor_count; ++i) {
    const auto& link = op.ancestors[i];
    text += fmt::format(" <- #{} {}", link.id, kind_text(log, link.kind));
    if (link.location != none) text += " in " + location_text(log, link.location);
  }
  text += op.chain_cut ? " <- ... (older ancestors not kept or not in the log)" : " <- (created outside any handler)";
  return text;
}

// The first location in the chain outside library headers, else the first at all.
interned site_of(const operation& op) { return op.user_site != none ? op.user_site : op.any_site; }

struct group {
  std::vector<std::size_t> roots;  // indices into log.problems, in order
  std::uint64_t consequences = 0;  // problems folded into these roots
};

}  // namespace

std::vector<finding> to_findings(const analysis& log) {
  const auto& problems = log.problems;
  std::unordered_map<std::uint64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < problems.size(); ++i) index_of.emplace(problems[i].op.id, i);

  // Each problem's root: the farthest problem among its recorded ancestors (itself if none).
  std::vector<std::size_t> root_of(problems.size());
  for (std::size_t i = 0; i < problems.size(); ++i) {
    root_of[i] = i;
    const auto& op = problems[i].op;
    for (std::size_t a = 0; a < op.ancestor_count; ++a) {
      const auto it = index_of.find(op.ancestors[a].id);
      if (it != index_of.end() && it->second != i) root_of[i] = it->second;
    }
  }
  // A root's own root may lie beyond its ancestor window: follow, at most once per problem.
  for (std::size_t i = 0; i < problems.size(); ++i) {
    for (std::size_t step = 0; step < problems.size() && root_of[root_of[i]] != root_of[i]; ++step) {
      root_of[i] = root_of[root_of[i]];
    }
    // Only a damaged log (an id created twice) can make a cycle: such a problem stands alone.
    if (root_of[root_of[i]] != root_of[i]) root_of[i] = i;
    assert(root_of[root_of[i]] == root_of[i]);
  }

  using group_key = std::tuple<problem_kind, interned, interned>;
  std::map<group_key, std::size_t> group_index;
  std::vector<group> groups;
  std::unordered_map<std::size_t, std::size_t> group_of_root;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (root_of[i] != i) continue;
    const auto& op = problems[i].op;
    const group_key key{problems[i].what, op.kind, site_of(op)};
    auto [it, added] = group_index.emplace(key, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].roots.push_back(i);
    group_of_root[i] = it->second;
  }
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (root_of[i] == i) continue;
    if (const auto it = group_of_root.find(root_of[i]); it != group_of_root.end()) ++groups[it->second].consequences;
  }

  std::vector<finding> findings;
  findings.reserve(groups.size());
  for (const auto& g : groups) {
    LOOPCHECK_INVARIANT(!g.roots.empty());
    const problem& first = problems[g.roots.front()];
    const operation& op = first.op;
    finding f;
    f.kind = first.what == problem_kind::exception ? finding_kind::unobserved_exception : finding_kind::leaked_task;
    f.task_name = kind_text(log, op.kind);
    f.task_id = op.id;
    // When it went wrong (destroyed, threw, or the log ended), as other findings' times are.
    f.time = std::chrono::microseconds(first.time_us - std::min(first.time_us, log.first_time_us));
    const interned site = site_of(op);
    if (site != none) f.message = fmt::format("at {}:{}: ", log.locations[site].file, log.locations[site].line);
    if (g.roots.size() == 1) {
      f.message += fmt::format("operation #{} {} {}", op.id, f.task_name, describe(first.what));
    } else {
      std::string ids;
      for (std::size_t r = 0; r < std::min(g.roots.size(), max_ids_named); ++r) {
        ids += fmt::format("{}#{}", r == 0 ? "" : ", ", problems[g.roots[r]].op.id);
      }
      if (g.roots.size() > max_ids_named) ids += fmt::format(" and {} more", g.roots.size() - max_ids_named);
      f.message += fmt::format("{} operations {} ({}) {}", g.roots.size(), f.task_name, ids, describe(first.what));
    }
    f.message += "; chain: " + chain_text(log, op);
    if (g.consequences != 0) {
      f.message += fmt::format("; {} more operation(s) created under it ended the same way or never ran", g.consequences);
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

std::string describe_reading(const analysis& log) {
  std::string text = fmt::format("{} lines, {} operations (at most {} live at once)", log.lines, log.operations_created,
                                 log.peak_live_operations);
  if (const auto bad = log.lines_not_understood(); bad != 0) {
    text += fmt::format("; {} lines not understood ({} without @asio|, {} malformed, {} too long), skipped", bad,
                        log.foreign_lines, log.malformed_lines, log.overlong_lines);
  }
  if (log.records_after_other_text != 0) {
    text += fmt::format("; {} records read from behind other text on their line", log.records_after_other_text);
  }
  if (log.events_for_unknown_operations != 0) {
    text += fmt::format("; {} events name operations whose creation is not in the log",
                        log.events_for_unknown_operations);
  }
  if (log.operations_not_tracked != 0) {
    text += fmt::format("; {} operations not tracked (more than {} live)", log.operations_not_tracked,
                        log_analyzer::max_live_operations);
  }
  if (log.problems_not_kept != 0) {
    text += fmt::format("; {} problem operations not kept (more than {})", log.problems_not_kept,
                        log_analyzer::max_problems);
  }
  return text;
}

}  // namespace loopcheck::handler_log
