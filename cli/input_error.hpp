#pragma once
// A problem with what the user gave a command (a missing file or key, bad JSON, an unreadable
// log, ...): the user's to fix, so each command prints it as one line and exits 2.
#include <stdexcept>

namespace loopcheck::cli {

class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace loopcheck::cli
