// The `loopcheck` command: parses arguments and calls the library. Exit codes: 0 success,
// 1 findings, 2 usage or input error, 3 internal error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "dict_command.hpp"
#include "loopcheck/demo/detector_demo.hpp"
#include "scenario_commands.hpp"

namespace {

constexpr int exit_findings = 1;
constexpr int exit_usage = 2;
constexpr int exit_internal = 3;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loopcheck: makes the silent failures of asynchronous C++ on Boost.Asio loud and reproducible"};
  app.set_version_flag("--version", std::string("loopcheck ") + LOOPCHECK_VERSION);
  app.require_subcommand(1, 1);
  auto* demo = app.add_subcommand("demo", "Run each detector against its bug and the right pattern, on real Asio");
  auto* dict = loopcheck::cli::add_dict_command(app);
  loopcheck::cli::scenario_commands scenarios(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (app.get_subcommands().empty() && !app.remaining().empty()) {
      std::cerr << "loopcheck: unknown command '" << app.remaining().front() << "' (see loopcheck --help)\n";
    } else if (app.get_subcommands().empty()) {
      std::cerr << "loopcheck: a command is required (see loopcheck --help)\n";
    } else {
      std::cerr << "loopcheck: " << e.what() << " (see loopcheck --help)\n";
    }
    return exit_usage;
  }

  try {
    if (demo->parsed()) return loopcheck::demo::run_detector_demo(std::cout) ? 0 : exit_findings;
    if (dict->parsed()) return loopcheck::cli::run_dict_command(*dict, std::cout, std::cerr);
    if (const int rc = scenarios.run_parsed(); rc >= 0) return rc;
  } catch (const std::exception& e) {
    std::cerr << "loopcheck: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_internal;  // unreachable: CLI11 requires exactly one subcommand
}
