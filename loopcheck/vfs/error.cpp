#include "loopcheck/vfs/error.hpp"

#include <fmt/format.h>

namespace loopcheck::vfs {

namespace {

std::string describe(std::string_view operation, const std::string& path, const std::string& other_path,
                     std::string_view detail) {
  std::string text = other_path.empty() ? fmt::format("vfs {} '{}'", operation, path)
                                        : fmt::format("vfs {} '{}' -> '{}'", operation, path, other_path);
  if (!detail.empty()) text += fmt::format(" ({})", detail);
  return text;
}

}  // namespace

error::error(int errno_value, std::string_view operation, std::string path, std::string other_path,
             std::string_view detail)
    : std::system_error(errno_value, std::generic_category(), describe(operation, path, other_path, detail)),
      operation_(operation),
      detail_(detail),
      path_(std::move(path)),
      other_path_(std::move(other_path)) {}

}  // namespace loopcheck::vfs
