#include "loopcheck/asio_tracking/report.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace loopcheck::asio_tracking {

namespace {
std::mutex report_mutex;

// Opened per use: findings are rare, and the file is complete whenever the process ends.
std::FILE* open_report_file() {
  const char* path = std::getenv(report_path_variable);
  return path != nullptr && *path != '\0' ? std::fopen(path, "a") : nullptr;
}
}  // namespace

std::chrono::nanoseconds tracking_time() noexcept {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::steady_clock::now() - start;
}

void create_report_file() noexcept {
  std::lock_guard lock(report_mutex);
  if (std::FILE* out = open_report_file()) std::fclose(out);
}

void report(const finding& f) noexcept {
  try {
    publish_to_captures(f);
    const std::string line = "loopcheck " + format(f) + "\n";
    std::lock_guard lock(report_mutex);
    std::FILE* out = open_report_file();
    std::fputs(line.c_str(), out != nullptr ? out : stderr);
    if (out != nullptr) std::fclose(out);
  } catch (...) {
    // A destructor reports: out of memory loses the finding rather than terminating.
  }
}

}  // namespace loopcheck::asio_tracking
