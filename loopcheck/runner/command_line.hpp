#pragma once
// Parsing a runner's command line the way every loopcheck command does: help and version exit
// 0, a usage error exits 2 with one line naming the program and what is wrong. Shared by the
// `loopcheck` command and users' runners (run_main).
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace loopcheck::runner {

inline constexpr int exit_ok = 0;
inline constexpr int exit_findings = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_internal = 3;

// nullopt when the arguments parsed; otherwise the exit code, after printing what to print.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const std::string& program);

}  // namespace loopcheck::runner
