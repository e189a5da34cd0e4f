// The `loopcheck` command: parses arguments and calls the library. Exit codes: 0 success,
// 1 findings, 2 usage or input error, 3 internal error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "analyze_command.hpp"
#include "dict_command.hpp"
#include "sanitizer_report_command.hpp"
#include "loopcheck/demo/detector_demo.hpp"
#include "loopcheck/runner/command_line.hpp"
#include "loopcheck/runner/scenario_commands.hpp"

int main(int argc, char** argv) {
  namespace runner = loopcheck::runner;
  CLI::App app{"loopcheck: makes the silent failures of asynchronous C++ on Boost.Asio loud and reproducible"};
  app.set_version_flag("--version", std::string("loopcheck ") + LOOPCHECK_VERSION);
  app.require_subcommand(1, 1);
  auto* demo = app.add_subcommand("demo", "Run each detector against its bug and the right pattern, on real Asio");
  auto* dict = loopcheck::cli::add_dict_command(app);
  loopcheck::cli::analyze_options analyze_options;
  auto* analyze = loopcheck::cli::add_analyze_command(app, analyze_options);
  loopcheck::cli::sanitizer_report_options sanitizer_report_options;
  auto* sanitizer_report = loopcheck::cli::add_sanitizer_report_command(app, sanitizer_report_options);
  runner::scenario_commands scenarios(app, "loopcheck");
  if (const auto exit_code = runner::parse_command_line(app, argc, argv, "loopcheck")) return *exit_code;

  try {
    if (demo->parsed()) return loopcheck::demo::run_detector_demo(std::cout) ? runner::exit_ok : runner::exit_findings;
    if (dict->parsed()) return loopcheck::cli::run_dict_command(*dict, std::cout, std::cerr);
    if (analyze->parsed()) return loopcheck::cli::run_analyze_command(analyze_options, std::cin, std::cout, std::cerr);
    if (sanitizer_report->parsed()) {
      return loopcheck::cli::run_sanitizer_report_command(sanitizer_report_options, std::cout, std::cerr);
    }
    if (const int rc = scenarios.run_parsed(); rc >= 0) return rc;
  } catch (const std::exception& e) {
    std::cerr << "loopcheck: internal error: " << e.what() << "\n";
    return runner::exit_internal;
  }
  return runner::exit_internal;  // unreachable: CLI11 requires exactly one subcommand
}
