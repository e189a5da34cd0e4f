#pragma once
// `loopcheck dict get|set|del|dump|check|compact|stress`: the persistent dict (loopcheck/pdict)
// on a real io_context with posix_vfs. See cli/dict_command.cpp for the behaviour of each command.
#include <CLI/CLI.hpp>
#include <iosfwd>

namespace loopcheck::cli {

// Adds `dict` and its subcommands to `app`; main asks the result whether it was parsed.
CLI::App* add_dict_command(CLI::App& app);

// Runs the parsed `dict` command. Returns the exit code: 0 ok, 1 `check` found the store
// invalid, 2 input error (message on `err`). Throws only for internal errors (main: exit 3).
int run_dict_command(const CLI::App& dict, std::ostream& out, std::ostream& err);

}  // namespace loopcheck::cli
