#pragma once
// What the tracker keeps about one asynchronous operation, and the hooks Asio calls
// (custom_tracking.hpp maps its macros onto them). Asio derives every operation object from
// tracked_handler, so an operation's state lives in the operation itself: no global map, no lock
// on the hot path. When Asio destroys an operation without invoking its handler (its
// execution context shut down or destroyed with it pending) the tracker reports a leaked_task;
// when a handler leaves by exception, an unobserved_exception (report.hpp).
//
// This header includes no Asio header: it is included from inside Asio's own headers.
#include <cstdint>

namespace boost::asio {
class execution_context;
}

namespace loopcheck::asio_tracking {

struct code_location {
  const char* file = nullptr;  // null: no location
  const char* function = nullptr;
  int line = 0;
};

// A call stack captured where a root operation (one created outside any handler) was started,
// kept for the life of the process (source_site.hpp).
struct captured_stack;

struct operation_state {
  std::uint64_t id = 0;  // 0: Asio never announced the operation; it is not tracked
  std::uint64_t parent_id = 0;  // the operation whose handler was running at creation; 0: none
  std::uint64_t root_id = 0;    // the first operation of the chain, created outside any handler
  std::uint32_t depth = 0;      // operations between this one and its root
  // Created while a pending operation was being destroyed (a coroutine frame's clean-up posts
  // one): its destruction is a consequence of the first leak, which alone is reported.
  bool created_in_teardown = false;
  // Asio's own string literals, e.g. "deadline_timer" and "async_wait".
  const char* object_type = "";
  const char* op_name = "";
  const char* parent_object_type = "";
  const char* parent_op_name = "";
  const char* root_object_type = "";
  const char* root_op_name = "";
  // The innermost location outside Boost on the location stack at creation, else the parent's.
  code_location user_location;
  // The root's call stack, when no user location was recorded along the chain.
  const captured_stack* root_stack = nullptr;
};

// The base Asio gives every operation object (BOOST_ASIO_INHERIT_TRACKED_HANDLER). The member's
// name cannot clash with those of Asio's operations.
class tracked_handler {
 public:
  operation_state loopcheck_tracking_;
};

void init();

// BOOST_ASIO_HANDLER_LOCATION: pushed on this thread's location stack for its scope.
class scoped_location {
 public:
  scoped_location(const char* file, int line, const char* function) noexcept;
  ~scoped_location();
  scoped_location(const scoped_location&) = delete;
  scoped_location& operator=(const scoped_location&) = delete;

  code_location where() const noexcept { return {file_, function_, line_}; }
  const scoped_location* next() const noexcept { return next_; }

 private:
  const char* file_;
  const char* function_;
  int line_;
  const scoped_location* next_;
};

void creation(boost::asio::execution_context& context, tracked_handler& handler, const char* object_type,
              void* object, std::uintmax_t native_handle, const char* op_name) noexcept;

// BOOST_ASIO_HANDLER_COMPLETION: lives in the operation's do_complete, whether it invokes the
// handler (owner set) or only destroys it. Asio frees the operation before the upcall, so the
// state is copied.
class completion {
 public:
  explicit completion(const tracked_handler& handler) noexcept;
  ~completion();
  completion(const completion&) = delete;
  completion& operator=(const completion&) = delete;

  template <typename... Args>
  void invocation_begin(const Args&...) noexcept {
    invoked_ = true;
  }
  void invocation_end() noexcept;

  const operation_state& state() const noexcept { return state_; }
  bool invoked() const noexcept { return invoked_; }

 private:
  operation_state state_;
  completion* next_;
  bool invoked_ = false;
  bool returned_ = false;
};

template <typename... Args>
void ignore_event(const Args&...) noexcept {}

}  // namespace loopcheck::asio_tracking
