#pragma once
// A directory made with mkdtemp, removed with everything in it on destruction: for tests,
// benchmarks and scenarios that run on the real file system.
#include <filesystem>
#include <string>
#include <string_view>

namespace loopcheck::vfs {

enum class temp_storage {
  disk,    // the system temp directory: fsync costs what it costs
  memory,  // /dev/shm when present: many fsyncs, no disk (a SIGKILL keeps the page cache)
};

class temp_directory {
 public:
  // Throws std::system_error naming the directory when mkdtemp fails.
  explicit temp_directory(std::string_view prefix, temp_storage storage = temp_storage::disk);
  ~temp_directory();
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace loopcheck::vfs
