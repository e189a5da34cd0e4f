#include "loopcheck/runner/runner_main.hpp"

#include <exception>
#include <filesystem>
#include <iostream>

#include "loopcheck/runner/command_line.hpp"
#include "loopcheck/runner/scenario_commands.hpp"

namespace loopcheck::runner {

int run_main(int argc, char** argv, runner_info info) {
  if (info.name.empty()) info.name = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "runner";
  CLI::App app{info.description.empty() ? info.name + ": a loopcheck scenario runner" : info.description, info.name};
  if (!info.version.empty()) app.set_version_flag("--version", info.name + " " + info.version);
  app.require_subcommand(1, 1);
  scenario_commands scenarios(app, info.name);
  if (const auto exit_code = parse_command_line(app, argc, argv, info.name)) return *exit_code;
  try {
    const int exit_code = scenarios.run_parsed();
    if (exit_code >= 0) return exit_code;
  } catch (const std::exception& e) {
    std::cerr << info.name << ": internal error: " << e.what() << "\n";
  }
  return exit_internal;
}

}  // namespace loopcheck::runner
