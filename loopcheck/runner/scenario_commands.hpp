#pragma once
// The scenario runner's commands — list, run, replay, fuzz, selftest, merge — over every family
// registered in this program, added to a CLI11 app. `loopcheck` adds them beside its own
// commands; a user's runner gets them all through run_main (runner_main.hpp).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "loopcheck/harness/scenario.hpp"
#include "loopcheck/runner/report_files.hpp"

namespace loopcheck::runner {

class scenario_commands {
 public:
  // `program`: the runner's name, used in messages and in the replay commands it prints.
  scenario_commands(CLI::App& app, std::string program);
  // The exit code when one of these commands was parsed, else -1.
  int run_parsed();

 private:
  int list();
  int run();
  int replay();
  int fuzz();
  int selftest();
  int merge();
  int isolated_run();
  // The families named on the command line (all when none); a usage error for an unknown one.
  std::vector<const harness::scenario*> selected_families() const;

  std::string program_;
  CLI::App* list_ = nullptr;
  CLI::App* run_ = nullptr;
  CLI::App* replay_ = nullptr;
  CLI::App* fuzz_ = nullptr;
  CLI::App* selftest_ = nullptr;
  CLI::App* merge_ = nullptr;
  CLI::App* isolated_run_ = nullptr;
  std::string result_path_;
  std::vector<std::string> inputs_;

  bool list_json_ = false;
  bool no_file_races_ = false;
  std::vector<std::string> families_;
  std::string variant_;
  std::uint64_t seed_ = 0;
  std::uint64_t seeds_ = 0;
  std::string strategy_ = "random";  // a key of harness::exploration_strategy_names()
  std::string mode_ = "sim";
  int jobs_ = 1;
  report_options reports_;
  std::vector<std::string> options_;
  std::string shard_;
  std::uint64_t shard_total_ = 0;
  std::string time_budget_;
  std::string token_;
  std::string trace_path_;
  std::uint64_t selftest_seeds_ = 40;
  std::string fuzz_target_;
  std::uint64_t budget_runs_ = 1000;
  std::size_t corpus_capacity_ = 256;
  bool swarm_ = false;
};

}  // namespace loopcheck::runner
