#include "loopcheck/runtime/exception_text.hpp"

#include <stdexcept>

namespace loopcheck::detail {

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "a non-standard exception";
  }
}

}  // namespace loopcheck::detail
