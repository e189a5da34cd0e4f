#pragma once
// An exception's text for a finding's message. Includes no Asio header: the handler tracker,
// which a program compiled with Asio's handler tracking links, uses it too.
#include <exception>
#include <string>

namespace loopcheck::detail {

// what() of a std::exception, else "a non-standard exception".
std::string describe(const std::exception_ptr& error);

}  // namespace loopcheck::detail
