#include "loopcheck/harness/html_report.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <ostream>
#include <pugixml.hpp>
#include <set>

#include "loopcheck/harness/outcome_matrix.hpp"
#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::harness {

namespace {

// Style and script are written as text inside <style> and <script>, where HTML reads no
// escapes: they must hold no '<', '>' or '&' (pugixml would escape them). Checked when written.
constexpr std::string_view page_style = R"(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
tr.failed td.verdict, td.findings { color: #b00020; font-weight: bold; }
tr.ok td.verdict { color: #1b5e20; }
code { background: #f6f6f6; padding: 1px 4px; }
.failure { border-left: 4px solid #b00020; padding: 0.2em 0.8em; margin: 0.8em 0; }
.replay { margin: 0.3em 0; }
button.copy { margin-left: 0.5em; }
svg text { font-size: 11px; font-family: monospace; }
rect.life { fill: #90caf9; }
rect.life.destroyed { fill: #ef9a9a; }
rect.life.still_live { fill: #ffcc80; }
rect.wait { fill: #1565c0; opacity: 0.55; }
line.mark.finding { stroke: #b00020; stroke-width: 2; }
line.mark.fault { stroke: #ef6c00; stroke-dasharray: 3 2; }
line.mark.crash { stroke: #000; stroke-width: 2; }
line.fs { stroke: #2e7d32; }
.note { color: #666; }
)";

constexpr std::string_view page_script = R"(
(function () {
  var lines = document.querySelectorAll('#findings .finding-line');
  var failures = document.querySelectorAll('#findings .failure');
  var counts = {};
  lines.forEach(function (f) { var k = f.getAttribute('data-kind'); counts[k] = (counts[k] || 0) + 1; });
  var parts = Object.keys(counts).sort().map(function (k) { return k + ': ' + counts[k]; });
  var summary = document.getElementById('finding-counts');
  summary.textContent = lines.length + ' finding(s) in ' + failures.length + ' failing target(s)' +
      (parts.length ? ' (' + parts.join(', ') + ')' : '');
  summary.setAttribute('data-findings', String(lines.length));
  var filter = document.getElementById('finding-filter');
  filter.addEventListener('input', function () {
    var needle = filter.value.toLowerCase();
    failures.forEach(function (t) { t.hidden = needle === '' ? false : t.textContent.toLowerCase().indexOf(needle) === -1; });
  });
  function copyByTextarea(text) {
    var area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  document.querySelectorAll('button.copy').forEach(function (b) {
    b.addEventListener('click', function () {
      var text = b.getAttribute('data-command');
      function done(ok) { b.textContent = ok ? 'copied' : 'copy failed: select the command'; }
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(copyByTextarea(text)); });
      } else {
        done(copyByTextarea(text));
      }
    });
  });
  var svg = document.querySelector('#timeline svg');
  if (svg) {
    svg.setAttribute('data-rendered', 'yes');
    document.getElementById('timeline-status').textContent =
        svg.querySelectorAll('g.task').length + ' task row(s) drawn; hover a row for its task, waits and end';
  }
  document.body.setAttribute('data-script', 'ran');
})();
)";

constexpr std::array<std::string_view, 6> void_elements{"meta", "input", "br", "hr", "img", "link"};

// An empty non-void element must be written <x></x>, never <x/>, which HTML reads as an opening tag.
struct open_empty_elements : pugi::xml_tree_walker {
  bool for_each(pugi::xml_node& node) override {
    if (node.type() == pugi::node_element && !node.first_child() &&
        std::find(void_elements.begin(), void_elements.end(), std::string_view(node.name())) == void_elements.end()) {
      node.append_child(pugi::node_pcdata);
    }
    return true;
  }
};

pugi::xml_node add(pugi::xml_node parent, const char* name, std::string_view text = {},
                   std::string_view css_class = {}) {
  auto node = parent.append_child(name);
  if (!css_class.empty()) node.append_attribute("class") = std::string(css_class).c_str();
  if (!text.empty()) node.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
  return node;
}

void set(pugi::xml_node node, const char* attribute, std::string_view value) {
  node.append_attribute(attribute) = std::string(value).c_str();
}

pugi::xml_node add_section(pugi::xml_node body, std::string_view id, std::string_view heading) {
  auto section = add(body, "section");
  set(section, "id", id);
  add(section, "h2", heading);
  return section;
}

void add_row(pugi::xml_node table, std::initializer_list<std::string_view> cells, const char* cell = "td") {
  auto tr = add(table, "tr");
  for (auto text : cells) add(tr, cell, text);
}

void add_summary(pugi::xml_node body, const campaign_result& result, verdict_rule rule) {
  auto section = add_section(body, "summary", "Summary");
  std::uint64_t failed = 0;
  for (const auto& t : result.targets) failed += target_failed(t, rule);
  add(section, "p",
      fmt::format("{} run(s) of {} target(s) in {:.2f} s: {} run(s) with findings; {} target(s) {} ({} rule).",
                  result.runs, result.targets.size(), result.wall_seconds, result.findings(), failed,
                  rule == verdict_rule::gate ? "with findings" : "whose expectation does not hold",
                  rule == verdict_rule::gate ? "gate" : "selftest"));
  if (result.runs_skipped_by_time_budget != 0) {
    add(section, "p",
        fmt::format("{} planned run(s) were skipped: the time budget ran out.", result.runs_skipped_by_time_budget));
  }
  set(add(section, "p", {}, "script-filled"), "id", "finding-counts");
}

void add_matrix(pugi::xml_node body, const campaign_result& result, verdict_rule rule) {
  auto section = add_section(body, "matrix", "Detection matrix");
  auto table = add(section, "table");
  set(table, "id", "detection-matrix");
  add_row(table,
          {"family", "variant", "expected", "observed", "seeds needed",
           rule == verdict_rule::selftest ? "holds" : "verdict"},
          "th");
  for (const auto& t : result.targets) {
    const bool failed = target_failed(t, rule);
    auto tr = add(table, "tr", {}, failed ? "target failed" : "target ok");
    set(tr, "data-family", t.family);
    set(tr, "data-variant", t.variant);
    add(tr, "td", t.family);
    add(tr, "td", t.variant);
    add(tr, "td", expected_text(t), "expected");
    add(tr, "td", observed_text(t), "observed");
    add(tr, "td", t.is_reference() || t.seeds_needed == 0 ? std::string("-") : std::to_string(t.seeds_needed));
    add(tr, "td", rule == verdict_rule::selftest ? (t.expectation_held() ? "yes" : "NO") : (failed ? "FINDINGS" : "ok"),
        "verdict");
  }
  // Each family's outcome grid (loop-startup's host start-up profiles): a row per variant.
  std::vector<std::string> families;
  for (const auto& t : result.targets) {
    if (std::find(families.begin(), families.end(), t.family) == families.end()) families.push_back(t.family);
  }
  for (const auto& family : families) {
    std::set<std::string> columns;
    for (const auto& t : result.targets) {
      if (t.family != family) continue;
      for (const auto& [column, cell] : matrix_cells(t)) columns.insert(column);
    }
    if (columns.empty()) continue;
    add(section, "h3",
        fmt::format("{}: a row per variant, a column per condition (runs with findings / runs)", family));
    auto grid = add(section, "table", {}, "outcome-grid");
    set(grid, "data-family", family);
    auto head = add(grid, "tr");
    add(head, "th", "variant");
    for (const auto& c : columns) add(head, "th", c);
    for (const auto& t : result.targets) {
      if (t.family != family) continue;
      const auto cells = matrix_cells(t);
      auto tr = add(grid, "tr");
      add(tr, "td", t.variant);
      for (const auto& c : columns) {
        const bool has = cells.contains(c);
        auto td = add(tr, "td", has ? cell_text(t, cells.at(c)) : std::string("-"), "cell");
        set(td, "data-condition", c);
      }
    }
  }
}

void add_replay(pugi::xml_node parent, std::string_view label, const std::string& command) {
  auto p = add(parent, "p", {}, "replay");
  add(p, "span", label);
  add(p, "code", command);
  auto button = add(p, "button", "copy", "copy");
  set(button, "type", "button");
  set(button, "data-command", command);
}

void add_finding_list(pugi::xml_node parent, const std::vector<finding>& findings) {
  auto list = add(parent, "ul");
  for (const auto& f : findings) {
    auto li = add(list, "li", format(f), "finding-line");
    set(li, "data-kind", loopcheck::to_string(f.kind));
    if (!f.evidence.empty()) add(add(li, "details"), "pre", f.evidence);
  }
}

void add_findings(pugi::xml_node body, const campaign_result& result, verdict_rule rule) {
  auto section = add_section(body, "findings", "Findings");
  auto filter = add(section, "input");
  set(filter, "id", "finding-filter");
  set(filter, "type", "search");
  set(filter, "placeholder", "filter by kind, task, family, text");
  bool any = false;
  for (const auto& t : result.targets) {
    if (!target_failed(t, rule) && !(rule == verdict_rule::selftest && t.seeds_with_findings != 0)) continue;
    auto div = add(section, "div", {}, "failure");
    set(div, "data-target", t.family + "/" + t.variant);
    any = true;
    if (t.first_findings.empty()) {
      add(div, "h3",
          fmt::format("{}/{}: expected {}, observed {}", t.family, t.variant, expected_text(t), observed_text(t)));
      continue;
    }
    add(div, "h3", fmt::format("{}/{} seed {}", t.family, t.variant, t.first_seed_with_findings.value_or(0)));
    add_finding_list(div, t.first_findings);
    add_replay(div, "replay: ", replay_command(result.runner_program, t.first_replay_token));
    if (!t.minimal_replay_token.empty() && t.minimal_replay_token != t.first_replay_token) {
      add(div, "p", fmt::format("shrunk in {} runs to a minimal case:", t.shrink_attempts));
      add_finding_list(div, t.minimal_findings);
      add_replay(div, "replay minimal: ", replay_command(result.runner_program, t.minimal_replay_token));
    }
  }
  if (!any) add(section, "p", "No run reported a finding.", "note");
}

void add_coverage(pugi::xml_node body, const campaign_result& result) {
  auto section = add_section(
      body, "coverage", "Coverage: code probes hit, fault sites reached and fired (summed over each target's runs)");
  auto table = add(section, "table");
  add_row(table, {"family", "variant", "kind", "name", "hit / reached", "fired"}, "th");
  for (const auto& t : result.targets) {
    for (const auto& [name, hits] : t.probes) {
      add_row(table, {t.family, t.variant, "probe", name, std::to_string(hits), "-"});
    }
    for (const auto& [site, reached] : t.faults_reached) {
      const auto fired = t.faults_fired.contains(site) ? t.faults_fired.at(site) : 0;
      add_row(table, {t.family, t.variant, "fault site", site, std::to_string(reached), std::to_string(fired)});
    }
  }
  if (!table.child("tr").next_sibling()) add(section, "p", "No run reached a code probe or a fault site.", "note");
}

// The timeline as SVG: a row per task from spawn to end with its waits inside, a row of ticks
// for file operations, and a vertical line per fault firing, crash and finding.
void add_timeline_svg(pugi::xml_node section, const run_timeline& timeline) {
  constexpr double label_width_px = 300;
  constexpr double plot_width_px = 900;
  constexpr double row_height_px = 16;
  constexpr double axis_height_px = 20;
  const auto& tasks = timeline.tasks();
  const std::size_t rows = std::min(tasks.size(), html_timeline_max_rows);
  const double end_ns = std::max<double>(1.0, static_cast<double>(timeline.end_time().count()));
  const auto x_of = [&](std::chrono::nanoseconds t) {
    return label_width_px + plot_width_px * static_cast<double>(t.count()) / end_ns;
  };
  const double height_px = axis_height_px + row_height_px * static_cast<double>(rows + 1);
  const bool simulated = timeline.clock() == timeline_clock::virtual_time;
  auto svg = add(section, "svg");
  set(svg, "xmlns", "http://www.w3.org/2000/svg");
  set(svg, "width", fmt::format("{}", label_width_px + plot_width_px + 10));
  set(svg, "height", fmt::format("{}", height_px));
  set(svg, "data-task-count", std::to_string(rows));
  set(svg, "data-tasks-recorded", std::to_string(tasks.size()));
  auto axis = add(svg, "text", fmt::format("0 .. {:.3f} ms of {} time", end_ns / 1e6, simulated ? "virtual" : "real"));
  set(axis, "x", fmt::format("{}", label_width_px));
  set(axis, "y", "12");
  for (std::size_t i = 0; i < rows; ++i) {
    const auto& t = tasks[i];
    const double y = axis_height_px + row_height_px * static_cast<double>(i);
    auto g = add(svg, "g", {}, "task");
    set(g, "data-task-key", std::to_string(t.key));
    std::string tip = fmt::format("{} #{}{}{}; context {}; {:.3f} .. {:.3f} ms; {}", t.name, t.id,
                                  t.site.empty() ? "" : " spawned at ", t.site, t.context, t.spawned.count() / 1e6,
                                  t.ended.count() / 1e6, to_string(t.end));
    for (const auto& w : t.waits)
      tip += fmt::format("\nwaits on {} ({:.3f} .. {:.3f} ms)", w.what, w.begin.count() / 1e6, w.end.count() / 1e6);
    add(g, "title", tip);
    auto label = add(g, "text", fmt::format("{} #{}", t.name, t.id));
    set(label, "x", "0");
    set(label, "y", fmt::format("{}", y + row_height_px - 4));
    const double x = x_of(t.spawned);
    auto life = add(g, "rect", {},
                    fmt::format("life {}", t.end == timeline_task::end_kind::finished    ? "finished"
                                           : t.end == timeline_task::end_kind::destroyed ? "destroyed"
                                                                                         : "still_live"));
    set(life, "x", fmt::format("{:.2f}", x));
    set(life, "y", fmt::format("{}", y + 2));
    set(life, "width", fmt::format("{:.2f}", std::max(1.0, x_of(t.ended) - x)));
    set(life, "height", fmt::format("{}", row_height_px - 4));
    for (const auto& w : t.waits) {
      auto wait = add(g, "rect", {}, "wait");
      set(wait, "x", fmt::format("{:.2f}", x_of(w.begin)));
      set(wait, "y", fmt::format("{}", y + 4));
      set(wait, "width", fmt::format("{:.2f}", std::max(1.0, x_of(w.end) - x_of(w.begin))));
      set(wait, "height", fmt::format("{}", row_height_px - 8));
    }
  }
  const double fs_y = axis_height_px + row_height_px * static_cast<double>(rows);
  auto fs = add(svg, "g", {}, "file-system");
  add(fs, "title", fmt::format("{} file operation(s)", timeline.file_operations().size()));
  auto fs_label = add(fs, "text", "file system");
  set(fs_label, "x", "0");
  set(fs_label, "y", fmt::format("{}", fs_y + row_height_px - 4));
  const auto& ops = timeline.file_operations();
  for (std::size_t i = 0; i < std::min(ops.size(), html_timeline_max_file_ticks); ++i) {
    auto tick = add(fs, "line", {}, "fs");
    const auto x = fmt::format("{:.2f}", x_of(ops[i].at));
    set(tick, "x1", x);
    set(tick, "x2", x);
    set(tick, "y1", fmt::format("{}", fs_y + 2));
    set(tick, "y2", fmt::format("{}", fs_y + row_height_px - 2));
    add(tick, "title", ops[i].operation + " " + ops[i].detail);
  }
  for (const auto& m : timeline.marks()) {
    auto line = add(svg, "line", {}, fmt::format("mark {}", to_string(m.kind)));
    const auto x = fmt::format("{:.2f}", x_of(m.at));
    set(line, "x1", x);
    set(line, "x2", x);
    set(line, "y1", fmt::format("{}", axis_height_px));
    set(line, "y2", fmt::format("{}", height_px));
    add(line, "title", fmt::format("{} at {:.3f} ms: {}", to_string(m.kind), m.at.count() / 1e6, m.text));
  }
  if (rows < tasks.size()) {
    add(section, "p",
        fmt::format("The first {} of {} tasks are drawn; the trace (--trace) has them all.", rows, tasks.size()),
        "note");
  }
}

void add_timeline(pugi::xml_node body, const html_timeline& timeline) {
  auto section = add_section(body, "timeline", "Timeline of the first failing run");
  if (timeline.timeline == nullptr) {
    add(section, "p", timeline.absent_reason, "note no-timeline");
    return;
  }
  const auto& t = *timeline.timeline;
  add(add(section, "p", "run: "), "code", t.run_name());
  add(section, "p",
      "A row per task from spawn to end (blue: finished, red: destroyed before it finished, orange: still live when "
      "the "
      "run ended), dark: its waits; green ticks: file operations; lines: faults fired (orange), the crash (black), "
      "findings (red).",
      "note");
  for (const auto& note : t.truncation_notes()) add(section, "p", "Truncated: " + note, "note truncated");
  set(add(section, "p", {}, "script-filled"), "id", "timeline-status");
  add_timeline_svg(section, t);
}

}  // namespace

void write_html(std::ostream& out, const campaign_result& result, verdict_rule rule, const html_timeline& timeline) {
  for (const auto text : {page_style, page_script}) {
    LOOPCHECK_INVARIANT(text.find_first_of("<>&") == std::string_view::npos);
  }
  pugi::xml_document doc;
  doc.append_child(pugi::node_doctype).set_value("html");
  auto html = doc.append_child("html");
  set(html, "lang", "en");
  auto head = add(html, "head");
  set(add(head, "meta"), "charset", "utf-8");
  add(head, "title", fmt::format("loopcheck report: {} run(s), {} with findings", result.runs, result.findings()));
  add(head, "style", page_style);
  auto body = add(html, "body");
  set(body, "data-script", "not-run");
  add(body, "h1", "loopcheck report");
  add_summary(body, result, rule);
  add_matrix(body, result, rule);
  add_findings(body, result, rule);
  add_coverage(body, result);
  add_timeline(body, timeline);
  add(body, "script", page_script);
  open_empty_elements opener;
  doc.traverse(opener);
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  out << '\n';
}

}  // namespace loopcheck::harness
