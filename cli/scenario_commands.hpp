#pragma once
// `loopcheck list | run | replay | selftest`: the scenario runner's commands.
#include <CLI/CLI.hpp>

namespace loopcheck::cli {

class scenario_commands {
 public:
  explicit scenario_commands(CLI::App& app);
  // The exit code when one of these commands was parsed, else -1.
  int run_parsed();

 private:
  int list();
  int run();
  int replay();
  int selftest();
  int merge();
  int isolated_run();

  CLI::App* list_ = nullptr;
  CLI::App* run_ = nullptr;
  CLI::App* replay_ = nullptr;
  CLI::App* selftest_ = nullptr;
  CLI::App* merge_ = nullptr;
  CLI::App* isolated_run_ = nullptr;
  std::string result_path_;
  std::vector<std::string> inputs_;

  std::vector<std::string> families_;
  std::string variant_;
  std::uint64_t seed_ = 0;
  std::uint64_t seeds_ = 0;
  std::string strategy_ = "random";
  std::string mode_ = "sim";
  int jobs_ = 1;
  std::vector<std::string> reports_;
  std::vector<std::string> options_;
  std::string shard_;
  std::string time_budget_;
  std::string token_;
  std::uint64_t selftest_reference_seeds_ = 40;
  std::uint64_t selftest_bug_seed_budget_ = 40;
};

}  // namespace loopcheck::cli
