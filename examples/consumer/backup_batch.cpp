#include "backup_batch.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/this_coro.hpp>

#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task_scope.hpp"

namespace consumer {
namespace {

// Stands in for the real storage call.
boost::asio::awaitable<void> back_up(std::string item, std::vector<std::string>& saved) {
  co_await loopcheck::sleep_for(std::chrono::milliseconds(1));
  saved.push_back(std::move(item));
}

#ifdef CONSUMER_PLANT_BUG
boost::asio::awaitable<void> flush_index() { co_await loopcheck::sleep_for(std::chrono::hours(24)); }
#endif

}  // namespace

boost::asio::awaitable<std::vector<std::string>> back_up_all(std::vector<std::string> items) {
  auto ex = co_await boost::asio::this_coro::executor;
  std::vector<std::string> saved;
  loopcheck::task_scope scope(ex, "backup-batch");
  for (auto& item : items) {
    std::string name = "back-up-" + item;
    scope.spawn(name, back_up(std::move(item), saved));
  }
#ifdef CONSUMER_PLANT_BUG
  // The planted bug: a flush nobody waits for, still pending when its loop goes away.
  loopcheck::spawn_detached(ex, "index-flush", flush_index());
#endif
  co_await scope.join();
  co_return saved;
}

}  // namespace consumer
