#include "loopcheck/harness/isolated_run.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <signal.h>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include "loopcheck/harness/finding_json.hpp"
#include "loopcheck/harness/replay_token.hpp"
#include "loopcheck/harness/sanitizer_log.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/scenario_run.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/vfs/temp_directory.hpp"

extern char** environ;

namespace loopcheck::harness {

namespace json = boost::json;

namespace {

std::atomic<bool> isolated_runs_enabled{false};
std::atomic<bool> in_isolated_child{false};

constexpr std::string_view log_name = "sanitizer";
constexpr auto child_poll_interval = std::chrono::milliseconds(5);

// The parent's environment, with the sanitizer told to log to `log_path` and keep going; its
// other options (suppressions, ...) stay, as later options override earlier ones.
std::vector<std::string> child_environment(const std::string& log_path) {
  constexpr std::string_view tsan_options = "TSAN_OPTIONS=";
  std::vector<std::string> env;
  std::string options;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with(tsan_options)) options = std::string(entry.substr(tsan_options.size())) + ":";
    else env.emplace_back(entry);
  }
  env.push_back(fmt::format("{}{}halt_on_error=0:exitcode=0:log_path={}", tsan_options, options, log_path));
  return env;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return fmt::format("ended with wait status {}", status);
}

void read_child_result(const std::string& path, run_result& result) {
  const json::value doc = json::parse(read_file(path));
  for (const auto& f : doc.at("findings").as_array()) result.findings.push_back(finding_from_json(f.as_object()));
  for (const auto& [name, value] : doc.at("metrics").as_object()) result.metrics[std::string(name)] = json::value_to<double>(value);
}

}  // namespace

void enable_isolated_runs() { isolated_runs_enabled = true; }

bool isolate_sanitizer_reports() {
#if defined(__SANITIZE_THREAD__)
  return isolated_runs_enabled && !in_isolated_child;
#else
  return false;
#endif
}

run_result run_isolated(const run_spec& spec, const scenario& family, std::chrono::milliseconds budget) {
  const vfs::temp_directory dir("loopcheck-isolated");
  const std::string result_path = dir.file("result.json");
  std::vector<std::string> args{"/proc/self/exe", std::string(isolated_run_command), to_replay_token(spec, family), result_path};
  std::vector<std::string> env = child_environment(dir.file(log_name));
  auto argv = pointers_to(args);
  auto envp = pointers_to(env);
  run_result result;
  pid_t pid = 0;
  if (const int error = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()); error != 0) {
    add_finding(result, finding_kind::invariant, fmt::format("the isolated run could not start: {}", std::strerror(error)));
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + budget;
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(child_poll_interval);
  }
  if (waited == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    add_finding(result, finding_kind::hang, fmt::format("the isolated run did not finish within {} ms", budget.count()));
  } else if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    add_finding(result, finding_kind::invariant,
                fmt::format("the isolated run {}", waited < 0 ? std::string("could not be waited for") : describe_status(status)));
  } else {
    try {
      read_child_result(result_path, result);
    } catch (const std::exception& e) {
      add_finding(result, finding_kind::invariant, fmt::format("the isolated run's result is unreadable: {}", e.what()));
    }
  }
  // The sanitizer names its log `<log_path>.<pid>`.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (!entry.path().filename().string().starts_with(log_name)) continue;
    for (auto& f : parse_sanitizer_log(read_file(entry.path()))) result.findings.push_back(std::move(f));
  }
  return result;
}

int isolated_child_main(std::string_view token, const std::string& result_path) {
  in_isolated_child = true;
  std::string error;
  const auto spec = parse_replay_token(token, error);
  if (!spec) {
    std::cerr << "loopcheck " << isolated_run_command << ": " << error << "\n";
    return 2;
  }
  const run_result result = run_scenario(*scenario_registry::instance().find(spec->family), *spec);
  json::array findings;
  for (const auto& f : result.findings) findings.push_back(to_json(f));
  json::object metrics;
  for (const auto& [name, value] : result.metrics) metrics[name] = value;
  json::object doc;
  doc["findings"] = std::move(findings);
  doc["metrics"] = std::move(metrics);
  std::ofstream out(result_path, std::ios::trunc);
  out << json::serialize(doc) << "\n";
  out.close();
  return out ? 0 : 3;
}

}  // namespace loopcheck::harness
