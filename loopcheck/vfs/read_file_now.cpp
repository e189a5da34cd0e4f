#include "loopcheck/vfs/read_file_now.hpp"

namespace loopcheck::vfs {

std::optional<std::string> read_file_now(file_system& fs, const std::string& path) {
  asio::io_context io;
  std::optional<std::string> out;
  asio::co_spawn(io, fs.read_file(path), [&out](std::exception_ptr error, std::string bytes) {
    if (!error) out = std::move(bytes);
  });
  io.run();
  return out;
}

}  // namespace loopcheck::vfs
