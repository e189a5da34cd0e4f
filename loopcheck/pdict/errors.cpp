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

store_locked_error::store_locked_error(std::string path, std::string holder)
    : std::runtime_error(fmt::format("pdict: '{}' is open for writing elsewhere ({}); one writer per store", path,
                                     holder)),
      path_(std::move(path)),
      holder_(std::move(holder)) {}

}  // namespace loopcheck::pdict
