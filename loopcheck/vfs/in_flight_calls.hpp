#pragma once
// The blocking calls in flight for one execution context: an Asio service in the caller's
// context (an io_context, or the one under a strand or any_io_executor).
//
// A posix_vfs call runs its system calls on the vfs's pool and posts its completion back to the
// caller's executor. Were the caller's context destroyed meanwhile, that post would reach a dead
// context. So, when the context shuts down, this service waits (bounded) for the calls inside a
// system call — their buffers live in the awaiting coroutine frames — lets calls not yet started
// skip their work, and destroys every completion undelivered: the awaiting coroutine is never
// resumed, and its frame is destroyed by the context's own shutdown.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::vfs {

// One call's completion (its handler and, once known, its outcome), type-erased so that one
// ledger serves every handler type. Destroying it undelivered destroys the handler.
class pending_completion {
 public:
  virtual ~pending_completion() = default;
  // Posts the handler with the outcome to the caller's executor.
  virtual void post() = 0;
};

// Shared by the service and the pool threads, so a pool thread never touches a destroyed service.
class call_ledger {
 public:
  // A system call still running this long after its context began shutting down is taken to
  // never return (a hung network mount): the process aborts with a message rather than hang, or
  // free a buffer the call may still write into.
  static constexpr std::chrono::milliseconds max_shutdown_wait_ms{60'000};

  // On the initiating thread, before the call is handed to a pool.
  void begin_call();
  // On the pool thread, before the blocking work: false once the caller's context shuts down.
  bool caller_alive();
  // On the pool thread, after the work (or instead of it): posts the completion, or, when the
  // context is shutting down, keeps it for the shutdown to destroy.
  void end_call(std::unique_ptr<pending_completion> completion);
  // On the thread destroying the context: waits for every call, destroys their completions.
  void shut_down();

 private:
  std::mutex mutex_;
  std::condition_variable call_ended_;
  bool shutting_down_ = false;
  std::size_t calls_in_flight_ = 0;
  std::vector<std::unique_ptr<pending_completion>> undelivered_;
};

class in_flight_calls final : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  explicit in_flight_calls(asio::execution_context& owner);

  // The ledger of the calls whose callers run on `context` (registers the service on first use).
  static std::shared_ptr<call_ledger> ledger_of(asio::execution_context& context);

 private:
  void shutdown() override;

  std::shared_ptr<call_ledger> ledger_ = std::make_shared<call_ledger>();
};

}  // namespace loopcheck::vfs
