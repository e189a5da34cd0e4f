#include "loopcheck/runner/scenario_commands.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fstream>
#include <iostream>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <unistd.h>

#include "loopcheck/harness/campaign.hpp"
#include "loopcheck/harness/exploration_strategy.hpp"
#include "loopcheck/harness/guided_search.hpp"
#include "loopcheck/harness/isolated_run.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/reports.hpp"
#include "loopcheck/harness/run_timeline.hpp"
#include "loopcheck/harness/trace_writer.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/runner/command_line.hpp"
#include "loopcheck/runner/report_files.hpp"
#include "loopcheck/runner/shard.hpp"
#include "loopcheck/runtime/invariant.hpp"
#include "loopcheck/vfs/file_race_detector.hpp"

namespace loopcheck::runner {

namespace {


struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

report_plan parse_reports(const report_options& options) {
  try {
    return open_report_files(options);
  } catch (const report_spec_error& e) {
    throw usage_error(e.what());
  }
}

void write_reports(const report_plan& reports, const harness::campaign_result& result, harness::verdict_rule rule,
                   const harness::html_timeline& timeline) {
  write_report_files(reports, result, rule, [&](std::ostream& out) { harness::write_text(out, result, rule); }, timeline);
}

// A --trace path must be writable before any run starts.
void check_trace_path(const std::string& path) {
  if (path.empty()) return;
  try {
    check_writable(path, "trace file");
  } catch (const report_spec_error& e) {
    throw usage_error(e.what());
  }
}

void write_trace_file(const std::string& path, const harness::run_timeline& timeline) {
  if (path.empty()) return;
  write_file_replacing(path, [&](std::ostream& out) { harness::write_trace(out, timeline); });
  fmt::print("trace of {}: {} ({} task(s), {} file operation(s), {} mark(s); open it in ui.perfetto.dev)\n",
             timeline.run_name(), path, timeline.tasks().size(), timeline.file_operations().size(), timeline.marks().size());
}

// The HTML report's timeline section: `timeline`, or why there is none.
harness::html_timeline html_timeline_of(const harness::run_timeline* timeline, std::string absent_reason) {
  return timeline != nullptr ? harness::html_timeline{timeline, {}} : harness::html_timeline{nullptr, std::move(absent_reason)};
}

std::map<std::string, std::int64_t> parse_option_overrides(const std::vector<std::string>& assignments) {
  std::map<std::string, std::int64_t> out;
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos) throw usage_error(fmt::format("--option '{}' is not name=integer", a));
    try {
      std::size_t used = 0;
      const auto value = std::stoll(a.substr(eq + 1), &used);
      if (used != a.size() - eq - 1) throw std::invalid_argument(a);
      out[a.substr(0, eq)] = value;
    } catch (const std::logic_error&) {
      throw usage_error(fmt::format("--option '{}' is not name=integer", a));
    }
  }
  return out;
}

// Progress: one rewritten line on a terminal; otherwise a plain line every 10 s (CI logs).
harness::progress_callback progress_reporter() {
  const bool terminal = isatty(fileno(stderr));
  const auto started = std::chrono::steady_clock::now();
  auto last_line = std::make_shared<std::chrono::steady_clock::time_point>(started);
  return [=](std::uint64_t done, std::uint64_t planned, std::uint64_t findings) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - started).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    if (terminal) {
      fmt::print(stderr, "\r{}/{} runs, {:.0f} runs/s, {} with findings", done, planned, rate, findings);
      if (done == planned) fmt::print(stderr, "\n");
    } else if (now - *last_line >= std::chrono::seconds(10) || done == planned) {
      *last_line = now;
      fmt::print(stderr, "progress: {}/{} runs, {:.0f} runs/s, {} with findings\n", done, planned, rate, findings);
    }
  };
}

// The reports' shape for one replayed run: its target, run once, with its findings.
// The target keeps its variant's expectation, so reports say what the replayed run was meant to show.
harness::campaign_result replay_as_campaign(const harness::scenario& family, const harness::run_spec& spec,
                                            const std::string& token, const harness::run_result& run,
                                            const std::string& program) {
  harness::target_result t;
  t.family = spec.family;
  t.variant = spec.variant;
  for (const auto& v : family.variants()) {
    if (v.name == spec.variant) t.caught_by = v.caught_by;
  }
  t.seeds_run = 1;
  t.seeds_with_findings = run.findings.empty() ? 0 : 1;
  const bool caught = std::any_of(run.findings.begin(), run.findings.end(), [&](const finding& f) {
    return std::find(t.caught_by.begin(), t.caught_by.end(), f.kind) != t.caught_by.end();
  });
  t.seeds_caught = caught ? 1 : 0;
  t.seeds_needed = caught ? 1 : 0;
  if (!run.findings.empty()) t.first_seed_with_findings = spec.seed;
  t.first_findings = run.findings;
  t.first_replay_token = token;
  t.probes = run.probes;
  t.faults_reached = run.faults_reached;
  t.faults_fired = run.faults_fired;
  t.metric_sums = run.metrics;
  harness::campaign_result result;
  result.runner_program = program;
  result.runs = 1;
  result.targets.push_back(std::move(t));
  return result;
}

// "90s", "10m", "2h" (or plain seconds).
std::chrono::milliseconds parse_duration(const std::string& text) {
  double value = 0;
  char unit = 's';
  char rest = 0;
  const int fields = std::sscanf(text.c_str(), "%lf%c%c", &value, &unit, &rest);
  const bool ok = (fields == 1 || fields == 2) && value > 0 && (unit == 's' || unit == 'm' || unit == 'h');
  if (!ok) throw usage_error(fmt::format("time budget '{}' is not a duration like 90s, 10m or 2h", text));
  const double seconds = value * (unit == 'h' ? 3600 : unit == 'm' ? 60 : 1);
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

// {"families":[{"name","description","modes":[...],"options":[{name,default,min,max,help}],
//   "variants":[{"name","description","expected":"silent"|"caught","caught_by":[kinds]}]}]}
boost::json::object list_as_json() {
  namespace json = boost::json;
  json::array families;
  for (const auto* family : harness::scenario_registry::instance().all()) {
    json::array modes;
    for (auto m : family->modes()) modes.emplace_back(harness::to_string(m));
    json::array options;
    for (const auto& o : family->options()) {
      options.push_back(json::object{{"name", o.name}, {"default", o.default_value}, {"min", o.min_value},
                                     {"max", o.max_value}, {"help", o.help}});
    }
    json::array variants;
    for (const auto& v : family->variants()) {
      json::array kinds;
      for (auto k : v.caught_by) kinds.emplace_back(to_string(k));
      variants.push_back(json::object{{"name", v.name},
                                      {"description", v.description},
                                      {"expected", v.is_reference() ? "silent" : "caught"},
                                      {"caught_by", std::move(kinds)}});
    }
    families.push_back(json::object{{"name", family->name()},
                                    {"description", family->description()},
                                    {"modes", std::move(modes)},
                                    {"options", std::move(options)},
                                    {"variants", std::move(variants)}});
  }
  return json::object{{"families", std::move(families)}};
}

}  // namespace

scenario_commands::scenario_commands(CLI::App& app, std::string program) : program_(std::move(program)) {
  list_ = app.add_subcommand("list", "List scenario families, their variants, modes and expected outcomes");
  list_->add_flag("--json", list_json_, "One JSON document (for tools, e.g. the ctest registration)");

  run_ = app.add_subcommand("run", "Run scenario families over seeds; exit 1 when any run reports findings");
  run_->add_option("family", families_, "Families to run (default: all)");
  run_->add_option("--variant", variant_, "Run only this variant");
  auto* seed = run_->add_option("--seed", seed_, "Run exactly this seed");
  run_->add_option("--seeds", seeds_, "Run seeds 0..N-1 (default 20)")->excludes(seed)->check(CLI::Range(1ull, 10'000'000ull));
  run_->add_option("--strategy", strategy_, "fifo, random, pct, or swarm (random scheduling; each run switches fault "
                                            "sites and options on or off)")
      ->check(CLI::IsMember(harness::exploration_strategy_name_list()));
  run_->add_option("--mode", mode_, "sim or real")->check(CLI::IsMember({"sim", "real"}));
  run_->add_option("--jobs", jobs_, "Worker threads")->check(CLI::Range(1, 256));
  run_->add_option("--option", options_, "Scenario option override name=integer (repeatable)");
  add_report_options(*run_, reports_);
  run_->add_option("--trace", trace_path_,
                   "Write the first failing run, run again and recorded, as a Chrome trace-event JSON FILE "
                   "(ui.perfetto.dev)");
  run_->add_option("--shard", shard_,
                   "Run shard K of N (K/N, 1-based; default from GitLab, CircleCI, Buildkite or a Kubernetes "
                   "Indexed Job's variables)");
  run_->add_option("--shard-total", shard_total_, "The shard total where the CI engine gives only an index "
                                                  "(Kubernetes: JOB_COMPLETION_INDEX)")
      ->check(CLI::Range(1ull, 1'000'000ull));
  run_->add_option("--time-budget", time_budget_, "Start no run after this long (e.g. 10m)");
  run_->add_flag("--no-file-races", no_file_races_,
                 "Turn the file-race detector (happens-before over file accesses) off, e.g. to measure its cost");

  replay_ = app.add_subcommand("replay", "Re-run exactly one run from its replay token, with a determinism check");
  replay_->add_option("token", token_, "family/variant/seed/strategy/mode[/options]")->required();
  add_report_options(*replay_, reports_);
  replay_->add_option("--trace", trace_path_, "Write the run as a Chrome trace-event JSON FILE (ui.perfetto.dev)");

  fuzz_ = app.add_subcommand("fuzz", "Coverage-guided search of schedules and faults for one family or variant; exit 1 "
                                     "when a run fails (see docs/fuzzing-schedules.md)");
  fuzz_->add_option("target", fuzz_target_, "FAMILY or FAMILY/VARIANT (a family: each of its variants in turn)")->required();
  fuzz_->add_option("--seed", seed_, "The search's seed: the same seed repeats the same search (default 0)");
  fuzz_->add_option("--budget-runs", budget_runs_, "Runs per variant at most (default 1000)")
      ->check(CLI::Range(1ull, 100'000'000ull));
  fuzz_->add_option("--time-budget", time_budget_, "Start no run after this long per variant (e.g. 30s)");
  fuzz_->add_option("--corpus-max", corpus_capacity_, "Inputs the corpus keeps at most (default 256)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  fuzz_->add_flag("--swarm", swarm_, "Fresh runs use swarm testing: fault sites and options switched on or off");
  fuzz_->add_option("--option", options_, "Scenario option override name=integer (repeatable)");

  merge_ = app.add_subcommand("merge", "Combine JSON reports of shards into one result; exit 1 when it has findings");
  merge_->add_option("reports", inputs_, "JSON reports written by run --report json:PATH")->required();
  add_report_options(*merge_, reports_);

  selftest_ = app.add_subcommand("selftest", "Prove the harness: references stay silent, every bug variant is caught");
  selftest_->add_option("family", families_, "Families to check (default: all)");
  selftest_->add_option("--variant", variant_, "Check only this variant");
  selftest_->add_option("--seeds", selftest_seeds_,
                        "Seeds a reference must stay silent on, and the budget to catch a bug variant (default 40; a "
                        "needle: a guided search of 50 runs per seed)")
      ->check(CLI::Range(1ull, 10'000'000ull));
  selftest_->add_option("--jobs", jobs_, "Worker threads")->check(CLI::Range(1, 256));
  add_report_options(*selftest_, reports_);

  // Not for people: the child process of a run isolated for its sanitizer report
  // (harness/isolated_run.hpp). Hidden from --help.
  isolated_run_ = app.add_subcommand(std::string(harness::isolated_run_command), "")->group("");
  isolated_run_->add_option("token", token_)->required();
  isolated_run_->add_option("result", result_path_)->required();
  harness::enable_isolated_runs();
}

int scenario_commands::run_parsed() {
  try {
    if (list_->parsed()) return list();
    if (run_->parsed()) return run();
    if (replay_->parsed()) return replay();
    if (fuzz_->parsed()) return fuzz();
    if (selftest_->parsed()) return selftest();
    if (merge_->parsed()) return merge();
    if (isolated_run_->parsed()) return isolated_run();
  } catch (const usage_error& e) {
    std::cerr << program_ << ": " << e.what() << "\n";
    return exit_usage;
  }
  return -1;
}

int scenario_commands::list() {
  if (list_json_) {
    std::cout << boost::json::serialize(list_as_json()) << '\n';
    return exit_ok;
  }
  for (const auto* family : harness::scenario_registry::instance().all()) {
    std::string modes;
    for (auto m : family->modes()) modes += (modes.empty() ? "" : ",") + std::string(harness::to_string(m));
    fmt::print("{}  [{}]\n  {}\n", family->name(), modes, family->description());
    for (const auto& o : family->options()) {
      fmt::print("  option {}={} ({}..{}): {}\n", o.name, o.default_value, o.min_value, o.max_value, o.help);
    }
    for (const auto& v : family->variants()) {
      std::string expected = "silent";
      if (!v.is_reference()) {
        expected = "caught by ";
        for (std::size_t i = 0; i < v.caught_by.size(); ++i) expected += (i ? "|" : "") + std::string(to_string(v.caught_by[i]));
      }
      fmt::print("  - {:<24} {:<40} {}\n", v.name, expected, v.description);
    }
  }
  return exit_ok;
}

std::vector<const harness::scenario*> scenario_commands::selected_families() const {
  const auto& registry = harness::scenario_registry::instance();
  if (families_.empty()) return registry.all();
  std::vector<const harness::scenario*> families;
  for (const auto& name : families_) {
    const auto* family = registry.find(name);
    if (family == nullptr) throw usage_error(fmt::format("unknown scenario family '{}' (see {} list)", name, program_));
    families.push_back(family);
  }
  return families;
}

int scenario_commands::run() {
  if (no_file_races_) vfs::set_file_race_detection_default(false);
  harness::campaign_spec spec;
  const auto families = selected_families();
  spec.mode = mode_ == "real" ? harness::run_mode::real : harness::run_mode::sim;
  for (const auto* family : families) {
    const auto modes = family->modes();
    if (std::find(modes.begin(), modes.end(), spec.mode) == modes.end()) {
      if (!families_.empty()) throw usage_error(fmt::format("scenario '{}' does not run in {} mode", family->name(), mode_));
      continue;
    }
    for (const auto& v : family->variants()) {
      if (variant_.empty() || v.name == variant_) spec.targets.push_back({family, v});
    }
  }
  if (spec.targets.empty()) throw usage_error(fmt::format("no scenario has a variant '{}' in {} mode", variant_, mode_));
  const auto plan = harness::plan_of(harness::exploration_strategy_names().at(strategy_));
  spec.strategy = plan.scheduling;
  spec.swarm = plan.swarm;
  spec.option_overrides = parse_option_overrides(options_);
  for (const auto& t : spec.targets) {
    std::map<std::string, std::int64_t> resolved;
    std::string error;
    if (!harness::resolve_options(*t.family, spec.option_overrides, resolved, error)) throw usage_error(error);
  }
  if (run_->count("--seed") != 0) {
    spec.seeds = {seed_};
  } else {
    spec.seeds.resize(seeds_ == 0 ? 20 : seeds_);
    std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
  }
  spec.jobs = jobs_;
  try {
    const auto total = run_->count("--shard-total") != 0 ? std::optional<std::uint64_t>(shard_total_) : std::nullopt;
    const shard_choice shard = resolve_shard(shard_, total);
    spec.shard_index = shard.index;
    spec.shard_count = shard.count;
  } catch (const shard_error& e) {
    throw usage_error(e.what());
  }
  if (!time_budget_.empty()) spec.time_budget = parse_duration(time_budget_);
  const auto reports = parse_reports(reports_);
  check_trace_path(trace_path_);
  auto result = harness::run_campaign(spec, progress_reporter());
  result.runner_program = program_;
  harness::write_text(std::cout, result, harness::verdict_rule::gate);
  // The first failing run, run once more with a recorder: the trace's and the HTML timeline's data.
  std::unique_ptr<harness::run_timeline> timeline;
  const auto failing = std::find_if(result.targets.begin(), result.targets.end(),
                                    [](const harness::target_result& t) { return !t.first_replay_token.empty(); });
  if (failing != result.targets.end() && (!trace_path_.empty() || reports.wants(report_format::html))) {
    std::string error;
    const auto failing_spec = harness::parse_replay_token(failing->first_replay_token, error);
    LOOPCHECK_INVARIANT(failing_spec.has_value());  // the campaign made this token
    timeline = harness::run_scenario_recorded(*harness::scenario_registry::instance().find(failing_spec->family),
                                              *failing_spec, failing->first_replay_token)
                   .timeline;
    write_trace_file(trace_path_, *timeline);
  } else if (!trace_path_.empty()) {
    fmt::print("no trace written: no run had findings\n");
  }
  write_reports(reports, result, harness::verdict_rule::gate,
                html_timeline_of(timeline.get(), "No run had findings: there is no failing run to draw."));
  return result.findings() == 0 ? exit_ok : exit_findings;
}

int scenario_commands::replay() {
  std::string error;
  const auto spec = harness::parse_replay_token(token_, error);
  if (!spec) throw usage_error(error);
  const auto reports = parse_reports(reports_);
  check_trace_path(trace_path_);
  const auto* family = harness::scenario_registry::instance().find(spec->family);
  // Recording changes nothing the run decides: the determinism check below compares it with an
  // unrecorded run.
  harness::run_result first;
  std::unique_ptr<harness::run_timeline> timeline;
  if (!trace_path_.empty() || reports.wants(report_format::html)) {
    auto recorded = harness::run_scenario_recorded(*family, *spec, token_);
    first = std::move(recorded.result);
    timeline = std::move(recorded.timeline);
  } else {
    first = harness::run_scenario(*family, *spec);
  }
  fmt::print("replay {}: {} finding(s), event hash {:016x}, {} steps\n", token_, first.findings.size(), first.event_hash,
             first.steps);
  for (const auto& f : first.findings) {
    fmt::print("  {}\n", format(f));
    if (!f.evidence.empty()) fmt::print("{}\n", f.evidence);  // replay is where a reader wants it whole
  }
  const auto result = replay_as_campaign(*family, *spec, token_, first, program_);
  if (timeline) write_trace_file(trace_path_, *timeline);
  write_reports(reports, result, harness::verdict_rule::gate, html_timeline_of(timeline.get(), {}));
  // Only a simulated run is determined by its token; a real-mode run races real threads and may
  // differ from one run to the next, so checking it would only make replay flaky.
  if (spec->mode == harness::run_mode::real) {
    fmt::print("no determinism check: a real-mode run is not determined by its token\n");
    return first.findings.empty() ? exit_ok : exit_findings;
  }
  const auto second = harness::run_scenario(*family, *spec);
  if (first.event_hash != second.event_hash || first.findings.size() != second.findings.size()) {
    fmt::print(std::cerr, "{}: determinism check failed: two runs of {} differ (hash {:016x} vs {:016x})\n", program_, token_,
               first.event_hash, second.event_hash);
    return 3;
  }
  fmt::print("determinism check: the run replays identically\n");
  return first.findings.empty() ? exit_ok : exit_findings;
}

int scenario_commands::fuzz() {
  const auto slash = fuzz_target_.find('/');
  const std::string family_name = fuzz_target_.substr(0, slash);
  const auto* family = harness::scenario_registry::instance().find(family_name);
  if (family == nullptr) throw usage_error(fmt::format("unknown scenario family '{}' (see {} list)", family_name, program_));
  std::vector<harness::variant_spec> variants = family->variants();
  if (slash != std::string::npos) {
    const std::string variant = fuzz_target_.substr(slash + 1);
    std::erase_if(variants, [&](const harness::variant_spec& v) { return v.name != variant; });
    if (variants.empty()) throw usage_error(fmt::format("scenario '{}' has no variant '{}'", family_name, variant));
  }
  harness::guided_spec spec;
  spec.family = family;
  spec.seed = seed_;
  spec.budget_runs = budget_runs_;
  spec.corpus_capacity = corpus_capacity_;
  spec.swarm = swarm_;
  spec.option_overrides = parse_option_overrides(options_);
  if (!time_budget_.empty()) spec.time_budget = parse_duration(time_budget_);
  std::map<std::string, std::int64_t> resolved;
  std::string error;
  if (!harness::resolve_options(*family, spec.option_overrides, resolved, error)) throw usage_error(error);
  const auto modes = family->modes();
  if (std::find(modes.begin(), modes.end(), harness::run_mode::sim) == modes.end()) {
    throw usage_error(fmt::format("scenario '{}' has no simulated mode to search", family_name));
  }
  bool any_failed = false;
  for (const auto& variant : variants) {
    spec.variant = variant;
    const auto result = harness::run_guided_search(spec);
    fmt::print("fuzz {}/{}: seed {}, {} runs ({} fresh, {} mutants), corpus {} inputs, {} features, {:.2f} s{}\n",
               family_name, variant.name, seed_, result.runs, result.fresh_runs, result.mutant_runs,
               result.corpus_entries, result.features, result.wall_seconds,
               result.stopped_by_time_budget ? " (time budget reached)" : "");
    if (!result.failing_run) {
      fmt::print("  no failing run{}\n", variant.is_reference() ? "" : " (this bug variant was not found within the budget)");
      continue;
    }
    any_failed = true;
    fmt::print("  FAILED at run {} after {:.3f} s: {} finding(s){}\n", *result.failing_run, result.seconds_to_failure,
               result.findings.size(), variant.is_reference() ? "" : " (the bug variant was found)");
    for (const auto& f : result.findings) fmt::print("    {}\n", format(f));
    fmt::print("  replay: {} replay {}\n", program_, result.replay_token);
    if (!result.minimal_replay_token.empty()) {
      fmt::print("  replay minimal: {} replay {} ({} shrink runs)\n", program_, result.minimal_replay_token,
                 result.shrink_attempts);
    }
  }
  return any_failed ? exit_findings : exit_ok;
}

int scenario_commands::merge() {
  const auto reports = parse_reports(reports_);
  std::vector<harness::campaign_result> parts;
  for (const auto& path : inputs_) {
    std::ifstream in(path);
    if (!in) throw usage_error(fmt::format("cannot read report '{}'", path));
    try {
      parts.push_back(harness::read_json(in, path));
    } catch (const std::runtime_error& e) {
      throw usage_error(e.what());
    }
  }
  const auto merged = harness::merge(parts);
  harness::write_text(std::cout, merged, harness::verdict_rule::gate);
  write_reports(reports, merged, harness::verdict_rule::gate,
                html_timeline_of(nullptr, "Merged reports have no timeline: the shards' JSON reports do not carry one. "
                                          "Replay the first failing run with --trace FILE or --report html:FILE to see it."));
  return merged.findings() == 0 ? exit_ok : exit_findings;
}

int scenario_commands::isolated_run() { return harness::isolated_child_main(token_, result_path_); }

int scenario_commands::selftest() {
  const auto reports = parse_reports(reports_);
  const auto families = selected_families();
  harness::campaign_result all;
  all.runner_program = program_;
  bool any_target = false;
  for (const bool references : {true, false}) {
    harness::campaign_spec spec;
    for (const auto* family : families) {
      for (const auto& v : family->variants()) {
        if (v.is_reference() == references && (variant_.empty() || v.name == variant_)) {
          spec.targets.push_back({family, v});
        }
      }
    }
    // Needles: caught by a guided search of seed 0 within this many runs per selftest seed.
    constexpr std::uint64_t guided_runs_per_seed = 50;
    for (const auto& t : spec.targets) {
      if (!t.variant.needle) continue;
      any_target = true;
      harness::guided_spec guided;
      guided.family = t.family;
      guided.variant = t.variant;
      guided.budget_runs = selftest_seeds_ * guided_runs_per_seed;
      all.targets.push_back(harness::as_target_result(guided, harness::run_guided_search(guided)));
      all.runs += all.targets.back().seeds_run;
    }
    std::erase_if(spec.targets, [](const harness::target& t) { return t.variant.needle; });
    if (spec.targets.empty()) continue;
    any_target = true;
    // References: silent on every one of these seeds; bug variants: caught within this many.
    spec.seeds.resize(selftest_seeds_);
    std::iota(spec.seeds.begin(), spec.seeds.end(), 0);
    spec.jobs = jobs_;
    spec.stop_bug_variants_when_caught = true;
    auto part = harness::run_campaign(spec, progress_reporter());
    all.runs += part.runs;
    all.wall_seconds += part.wall_seconds;
    for (auto& t : part.targets) all.targets.push_back(std::move(t));
  }
  if (!any_target) {
    throw usage_error(variant_.empty() ? std::string("no scenario family is registered in this program")
                                       : fmt::format("no scenario has a variant '{}'", variant_));
  }
  harness::write_text(std::cout, all, harness::verdict_rule::selftest);
  write_reports(reports, all, harness::verdict_rule::selftest,
                html_timeline_of(nullptr, "selftest draws no timeline: replay a run with --report html:FILE to see one."));
  const bool held = std::all_of(all.targets.begin(), all.targets.end(), [](const auto& t) { return t.expectation_held(); });
  fmt::print("selftest: {}\n", held ? "every expectation holds" : "SOME EXPECTATIONS DO NOT HOLD");
  return held ? exit_ok : exit_findings;
}

}  // namespace loopcheck::runner
