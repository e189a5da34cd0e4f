#pragma once
// The one place loopcheck pulls in Asio; library code names `loopcheck::asio`.
#include <boost/asio.hpp>

namespace loopcheck {
namespace asio = boost::asio;
}  // namespace loopcheck
