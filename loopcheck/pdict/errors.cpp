#include "loopcheck/pdict/errors.hpp"

#include <fmt/format.h>

namespace loopcheck::pdict {

namespace {

std::string describe(const std::string& path, const std::string& reason, const std::string& set_aside_path) {
  return set_aside_path.empty() ? fmt::format("pdict: '{}' is corrupt ({}); left in place", path, reason)
                                : fmt::format("pdict: '{}' is corrupt ({}); set aside as '{}'", path, reason,
                                              set_aside_path);
}

}  // namespace

corrupt_file_error::corrupt_file_error(std::string path, std::string reason, std::string set_aside_path)
    : std::runtime_error(describe(path, reason, set_aside_path)),
      path_(std::move(path)),
      reason_(std::move(reason)),
      set_aside_path_(std::move(set_aside_path)) {}

}  // namespace loopcheck::pdict
