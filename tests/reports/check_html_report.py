#!/usr/bin/env python3
"""The HTML report in a real browser (docs/reports.md, "HTML").

Runs a failing campaign with --report html (and json, and --trace), loads the page in headless
Chromium, and checks the DOM Chromium rendered after the page's script ran: the detection matrix
(expected and observed per target, as the JSON report has them), loop-startup's outcome grid,
each failing target's findings with its replay commands and copy buttons, the coverage table and
the SVG timeline with one row per task of the trace. Keeps a screenshot and prints its path.
Prints "loopcheck-test-skipped: ..." when Chromium is missing (ctest shows Skipped).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

BROWSER_TIMEOUT_S = 120
RUN_TIMEOUT_S = 240


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], ""

    def classes(self):
        return self.attrs.get("class", "").split()

    def all_text(self):
        return self.text + "".join(c.all_text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find_all(self, tag=None, cls=None, **attrs):
        return [e for e in self.walk() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


VOID = {"meta", "input", "br", "hr", "img", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Element("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def run(command, timeout_s):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loopcheck", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()
    chromium = shutil.which(args.chromium)
    if chromium is None:
        print(f"loopcheck-test-skipped: no '{args.chromium}' (scripts/install-deps installs Debian's chromium)")
        return 0
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    html_path = os.path.join(args.workdir, "report.html")
    json_path = os.path.join(args.workdir, "report.json")
    trace_path = os.path.join(args.workdir, "trace.json")
    # rapid-turnover: file races with spawn sites; loop-startup: an outcome grid; ordered-saves: a
    # fault site and a code probe.
    campaign = run([args.loopcheck, "run", "rapid-turnover", "loop-startup", "ordered-saves", "--strategy", "fifo",
                    "--seeds", "2",
                    "--report", f"html:{html_path}", "--report", f"json:{json_path}", "--trace", trace_path],
                   RUN_TIMEOUT_S)
    if campaign.returncode != 1:
        print(f"the campaign exited {campaign.returncode}, expected 1 (findings):\n{campaign.stdout}\n{campaign.stderr}")
        return 1
    with open(json_path) as f:
        report = json.load(f)
    with open(trace_path) as f:
        trace = json.load(f)

    browser = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom_text = run(browser + ["--dump-dom", "file://" + os.path.abspath(html_path)], BROWSER_TIMEOUT_S).stdout
    with open(os.path.join(args.workdir, "rendered-dom.html"), "w") as f:
        f.write(dom_text)
    screenshot = os.path.join(args.workdir, "report.png")
    run(browser + [f"--screenshot={screenshot}", "--window-size=1400,2400", "file://" + os.path.abspath(html_path)],
        BROWSER_TIMEOUT_S)
    check(os.path.exists(screenshot), "Chromium wrote no screenshot")
    print(f"screenshot: {screenshot}")

    builder = DomBuilder()
    builder.feed(dom_text)
    dom = builder.root
    bodies = dom.find_all("body")
    check(bodies and bodies[0].attrs.get("data-script") == "ran", "the page's script did not run (body data-script)")

    # The detection matrix: a row per target, expected and observed as the JSON report says.
    rows = {(r.attrs.get("data-family"), r.attrs.get("data-variant")): r
            for r in dom.find_all("tr", cls="target")}
    for target in report["targets"]:
        key = (target["family"], target["variant"])
        row = rows.get(key)
        check(row is not None, f"no matrix row for {key}")
        if row is None:
            continue
        expected = row.find_all("td", cls="expected")[0].all_text()
        observed = row.find_all("td", cls="observed")[0].all_text()
        check(expected.startswith(target["expected"]), f"{key}: expected cell '{expected}', JSON '{target['expected']}'")
        if target["seeds_with_findings"] == 0:
            want_observed = "silent"
        elif target["expected"] == "caught" and target["seeds_caught"] > 0:
            want_observed = f"caught in {target['seeds_caught']}/{target['seeds_run']} seeds"
        else:
            want_observed = f"findings in {target['seeds_with_findings']}/{target['seeds_run']} seeds"
        check(observed == want_observed, f"{key}: observed cell '{observed}', expected '{want_observed}'")
        check(("failed" in row.classes()) == target["failed"], f"{key}: row marked failed={not target['failed']}")
    grids = dom.find_all("table", cls="outcome-grid", data_family="loop-startup")
    check(len(grids) == 1 and len(grids[0].find_all("td", cls="cell")) > 0, "no loop-startup outcome grid with cells")

    # Findings: each failing target with its replay commands, each with a copy button.
    blocks = {b.attrs.get("data-target"): b for b in dom.find_all("div", cls="failure")}
    lines = 0
    for target in report["targets"]:
        if not target["failed"]:
            continue
        block = blocks.get(f"{target['family']}/{target['variant']}")
        check(block is not None, f"no findings block for {target['family']}/{target['variant']}")
        if block is None:
            continue
        lines += len(block.find_all("li", cls="finding-line"))
        commands = [b.attrs.get("data-command") for b in block.find_all("button", cls="copy")]
        check(target["first_failure"]["replay_command"] in commands, f"{target['variant']}: no copy button for its replay")
        minimal = target["minimal_failure"]["replay_command"]
        check(minimal in commands or minimal == target["first_failure"]["replay_command"],
              f"{target['variant']}: no copy button for its minimal replay")
        check(any(c.all_text() == target["first_failure"]["replay_command"] for c in block.find_all("code")),
              f"{target['variant']}: the replay command is not shown")
    counts = dom.find_all(id="finding-counts")
    check(counts and counts[0].attrs.get("data-findings") == str(lines) and counts[0].all_text().startswith(f"{lines} "),
          f"the script's finding count is not {lines}: {counts[0].all_text() if counts else None}")
    coverage_rows = set()
    for section in dom.find_all("section", id="coverage"):
        for tr in section.find_all("tr"):
            coverage_rows.add(tuple(td.all_text() for td in tr.find_all("td")))
    expected_rows = set()
    for target in report["targets"]:
        cov = target["coverage"]
        for name, hits in cov["probes"].items():
            expected_rows.add((target["family"], target["variant"], "probe", name, str(hits), "-"))
        for site, reached in cov["faults_reached"].items():
            expected_rows.add((target["family"], target["variant"], "fault site", site, str(reached),
                               str(cov["faults_fired"].get(site, 0))))
    check(expected_rows, "the campaign reached no probe or fault site: the coverage check checks nothing")
    check(expected_rows <= coverage_rows, f"coverage rows missing: {sorted(expected_rows - coverage_rows)[:3]}")

    # The timeline: one task row per task of the trace, drawn, and the script saw it.
    svgs = dom.find_all("svg")
    check(len(svgs) == 1, f"{len(svgs)} SVG timelines, expected 1")
    if svgs:
        svg = svgs[0]
        tasks = svg.find_all("g", cls="task")
        check(svg.attrs.get("data-rendered") == "yes", "the timeline is not marked rendered by the script")
        check(len(tasks) == trace["metadata"]["tasks"] and len(tasks) > 1,
              f"{len(tasks)} task rows, the trace has {trace['metadata']['tasks']} tasks")
        check(all(t.find_all("rect", cls="life") for t in tasks), "a task row has no life bar")
        check(len(svg.find_all("line", cls="finding")) > 0, "no finding marked on the timeline")
    status = dom.find_all(id="timeline-status")
    check(status and "task row(s) drawn" in status[0].all_text(), "the script did not fill the timeline status")

    # `merge` writes the page too, from the JSON report: the same matrix, no timeline, saying why.
    merged_path = os.path.join(args.workdir, "merged.html")
    merged = run([args.loopcheck, "merge", json_path, "--report", f"html:{merged_path}"], RUN_TIMEOUT_S)
    check(merged.returncode == 1, f"merge exited {merged.returncode}, expected 1:\n{merged.stderr}")
    merged_builder = DomBuilder()
    with open(merged_path) as f:
        merged_builder.feed(f.read())
    merged_rows = {(r.attrs.get("data-family"), r.attrs.get("data-variant"))
                   for r in merged_builder.root.find_all("tr", cls="target")}
    check(merged_rows == set(rows), "the merged page's matrix differs from the run's")
    notes = merged_builder.root.find_all("p", cls="no-timeline")
    check(notes and "Merged reports have no timeline" in notes[0].all_text(), "the merged page does not say why it has no timeline")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} problem(s); rendered DOM: {os.path.join(args.workdir, 'rendered-dom.html')}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
