#pragma once
// Reads a whole file from synchronous code, on a private io_context: what a scenario's check
// does after its run, when no loop is running any more.
#include <optional>
#include <string>

#include "loopcheck/vfs/file_system.hpp"

namespace loopcheck::vfs {

// The file's bytes, or nullopt when it cannot be read (missing, a directory, an I/O error).
std::optional<std::string> read_file_now(file_system& fs, const std::string& path);

}  // namespace loopcheck::vfs
