#include "loopcheck/vfs/temp_directory.hpp"

#include <cerrno>
#include <stdlib.h>
#include <system_error>

namespace loopcheck::vfs {

temp_directory::temp_directory(std::string_view prefix, temp_storage storage) {
  namespace fs = std::filesystem;
  const fs::path base = storage == temp_storage::memory && fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                                                         : fs::temp_directory_path();
  std::string pattern = (base / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a temp directory " + pattern);
  }
  path_ = std::move(pattern);
}

temp_directory::~temp_directory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace loopcheck::vfs
