#pragma once
// A complete scenario runner in one call: the families registered in this program (one
// LOOPCHECK_REGISTER_SCENARIO line each) get `list`, `run`, `replay`, `selftest` and `merge` —
// the flags, exit codes (0 no findings, 1 findings, 2 usage or input error, 3 internal error),
// reports, shrinking, replay tokens and sanitizer isolation of `loopcheck` itself.
//
//   int main(int argc, char** argv) { return loopcheck::runner::run_main(argc, argv, {.name = "my_runner"}); }
//
// The CMake function loopcheck_add_scenario_runner(NAME SOURCES ...) writes that main for you
// and links the scenario sources so their registrations survive static linking.
#include <string>

namespace loopcheck::runner {

struct runner_info {
  std::string name;         // in messages and printed replay commands; empty: argv[0]'s file name
  std::string description;  // the --help header
  std::string version;      // --version prints "<name> <version>"; empty: no --version flag
};

int run_main(int argc, char** argv, runner_info info = {});

}  // namespace loopcheck::runner
