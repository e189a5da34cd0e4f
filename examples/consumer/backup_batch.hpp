#pragma once
// The consumer's component: backs up a batch of items concurrently on Asio.
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace consumer {

// Backs up each item as its own task of a loopcheck::task_scope and completes once every one
// is saved, returning the saved items.
boost::asio::awaitable<std::vector<std::string>> back_up_all(std::vector<std::string> items);

}  // namespace consumer
