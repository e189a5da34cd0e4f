#include "loopcheck/runner/command_line.hpp"

#include <iostream>

namespace loopcheck::runner {

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const std::string& program) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (app.get_subcommands().empty() && !app.remaining().empty()) {
      std::cerr << program << ": unknown command '" << app.remaining().front() << "' (see " << program << " --help)\n";
    } else if (app.get_subcommands().empty()) {
      std::cerr << program << ": a command is required (see " << program << " --help)\n";
    } else {
      std::cerr << program << ": " << e.what() << " (see " << program << " --help)\n";
    }
    return exit_usage;
  }
}

}  // namespace loopcheck::runner
