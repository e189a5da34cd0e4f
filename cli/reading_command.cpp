#include "reading_command.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <ostream>

#include "loopcheck/runner/command_line.hpp"

namespace loopcheck::cli {

CLI::App* add_reading_command(CLI::App& app, const std::string& name, const std::string& description,
                              const std::string& logs_help, reading_options& options) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("logs", options.logs, logs_help)->required();
  runner::add_report_options(*command, options.reports);
  return command;
}

int run_reading_command(std::string_view command, std::ostream& err, const std::function<int()>& body) {
  try {
    return body();
  } catch (const input_error& e) {
    fmt::print(err, "loopcheck {}: {}\n", command, e.what());
  } catch (const runner::report_spec_error& e) {
    fmt::print(err, "loopcheck {}: {}\n", command, e.what());
  }
  return runner::exit_usage;
}

}  // namespace loopcheck::cli
