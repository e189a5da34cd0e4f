#pragma once
// Command-line arguments of a benchmark: positional, optional, range-checked by CLI11. A bad
// argument prints CLI11's message (and a pointer to --help), and the benchmark exits 2.
#include <cstdlib>

#include <CLI/CLI.hpp>

namespace loopcheck::bench {

// Parses argv into the options declared on `app`; exits the process on --help (0) or on a
// bad argument (2).
inline void parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int printed = app.exit(e);
    std::exit(printed == 0 ? 0 : 2);
  }
}

}  // namespace loopcheck::bench
