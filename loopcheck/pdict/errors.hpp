#pragma once
// The exceptions of the persistent dict. I/O failures stay vfs::error (errno, operation, path).
#include <stdexcept>
#include <string>

namespace loopcheck::pdict {

// A file's bytes are not a valid snapshot or journal. Nothing was loaded from it.
class corrupt_file_error : public std::runtime_error {
 public:
  // `set_aside_path` is where the file was moved, or empty when it was left in place.
  corrupt_file_error(std::string path, std::string reason, std::string set_aside_path);

  const std::string& path() const noexcept { return path_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& set_aside_path() const noexcept { return set_aside_path_; }

 private:
  std::string path_;
  std::string reason_;
  std::string set_aside_path_;
};

// A decoder's verdict on bytes: why they are not a valid snapshot or journal.
class format_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another writer holds the store's lock (one writer per store). Nothing was read or written.
class store_locked_error : public std::runtime_error {
 public:
  // `holder`: who holds it, as the file system said ("held by pid 1234").
  store_locked_error(std::string path, std::string holder);

  const std::string& path() const noexcept { return path_; }
  const std::string& holder() const noexcept { return holder_; }

 private:
  std::string path_;
  std::string holder_;
};

// A mutation after close() began.
class closed_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// A call from a thread that does not own the dict (also reported as a wrong_thread finding).
class wrong_thread_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace loopcheck::pdict
