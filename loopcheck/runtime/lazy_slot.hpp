#pragma once
// lazy_slot: NiceGUI's create_lazy, done right. At most one task runs and at most one waits;
// a newer request replaces the waiting one, which is dropped before it was ever created (so it
// is never reported as leaked or unawaited); drain() waits for the running and the waiting
// task, so the last request is never lost at shutdown.
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck {

class lazy_slot {
 public:
  using factory = std::function<asio::awaitable<void>()>;

  lazy_slot(asio::any_io_executor ex, std::string name);
  // Reports a running task as leaked_task and a waiting request as unawaited_task: destroying
  // a busy slot loses work, so drain() it first.
  ~lazy_slot();
  lazy_slot(const lazy_slot&) = delete;
  lazy_slot& operator=(const lazy_slot&) = delete;

  // Runs `make()`'s task now if the slot is idle, else makes it the waiting request (replacing
  // any older waiting one). Thread-safe: of concurrent requests on an idle slot one runs, the
  // others wait. A factory that throws instead of making its task fails that run: the throw is
  // the slot's failure, as a task's own would be (request() does not throw it).
  void request(factory make, std::source_location site = std::source_location::current());

  // Completes when nothing runs and nothing waits; rethrows the first failure of a run since
  // the last drain(). Failures never drained are reported as unobserved_exception.
  asio::awaitable<void> drain();

  bool idle() const;
  std::uint64_t runs_started() const;
  std::uint64_t requests_replaced() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

// NiceGUI's create_lazy(name) keyed by name: one lazy_slot per key, created on first request.
class lazy_slots {
 public:
  explicit lazy_slots(asio::any_io_executor ex, std::size_t max_keys = 4096);

  // As lazy_slot::request for the slot of `key`. Throws std::length_error past max_keys.
  void request(std::string_view key, lazy_slot::factory make,
               std::source_location site = std::source_location::current());

  // Drains every slot; rethrows the first failure after all are drained.
  asio::awaitable<void> drain();

  std::size_t size() const { return slots_.size(); }
  const lazy_slot* find(std::string_view key) const;

 private:
  asio::any_io_executor executor_;
  std::size_t max_keys_;
  std::map<std::string, std::unique_ptr<lazy_slot>, std::less<>> slots_;
};

}  // namespace loopcheck
