#pragma once
// The one exception type of the vfs layer: an errno plus the operation and path(s) it concerns,
// so a failure in a log reads "vfs rename '/d/a.tmp' -> '/d/a': No such file or directory".
#include <string>
#include <string_view>
#include <system_error>

namespace loopcheck::vfs {

class error : public std::system_error {
 public:
  // `detail` adds context such as "injected fault at operation 3" or "short write: 10 of 20 bytes".
  error(int errno_value, std::string_view operation, std::string path, std::string other_path = {},
        std::string_view detail = {});

  int errno_value() const noexcept { return code().value(); }
  const std::string& operation() const noexcept { return operation_; }
  const std::string& path() const noexcept { return path_; }
  // The second path of a two-path operation (rename's target); empty otherwise.
  const std::string& other_path() const noexcept { return other_path_; }
  // The context given at construction ("held by pid 1234"); empty when none.
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string operation_;
  std::string detail_;
  std::string path_;
  std::string other_path_;
};

}  // namespace loopcheck::vfs
