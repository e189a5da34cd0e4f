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

class scoped_location;
class completion;

// The hot path — every operation's creation and completion — is inline: a few thread-local
// reads and writes and the copy of the state, no call, no lock. The rare paths (a location
// stack to search, a root's call stack, a finding) are out of line.
namespace detail {

// Ids are handed out in blocks per thread: unique, increasing per thread, one atomic operation
// per block rather than per operation.
inline constexpr std::uint64_t id_block_size = 1024;
struct id_block {
  std::uint64_t next = 0;
  std::uint64_t end = 0;
};
std::uint64_t take_id_block() noexcept;  // the first id of a fresh block

// Per thread: the handler being completed (its operation is the parent of any operation created
// now), the innermost recorded location, and whether the exception now leaving nested handlers
// was reported (only the innermost handler, the one that threw, reports it).
inline thread_local completion* current_completion = nullptr;
inline thread_local const scoped_location* current_location = nullptr;
inline thread_local bool exception_reported = false;
inline thread_local id_block ids;

inline std::uint64_t next_operation_id() noexcept {
  if (ids.next == ids.end) {
    ids.next = take_id_block();
    ids.end = ids.next + id_block_size;
  }
  return ids.next++;
}

// The innermost location on this thread's stack outside Boost; none when there is none.
code_location innermost_user_location() noexcept;
// Reports the operation of a completion that did not return normally (destroyed uninvoked, or
// its handler threw).
void on_abnormal_end(const completion& c) noexcept;

}  // namespace detail

// The current call stack, interned (source_site.hpp); null once the table is full.
const captured_stack* capture_root_stack() noexcept;

// BOOST_ASIO_HANDLER_LOCATION: pushed on this thread's location stack for its scope.
class scoped_location {
 public:
  scoped_location(const char* file, int line, const char* function) noexcept
      : file_(file), function_(function), line_(line), next_(detail::current_location) {
    // Asio passes a null file when a token carries no location (the global use_awaitable).
    if (file_ != nullptr) detail::current_location = this;
  }
  ~scoped_location() {
    if (file_ != nullptr) detail::current_location = next_;
  }
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

// BOOST_ASIO_HANDLER_COMPLETION: lives in the operation's do_complete, whether it invokes the
// handler (owner set) or only destroys it. Asio frees the operation before the upcall, so the
// state is copied.
class completion {
 public:
  explicit completion(const tracked_handler& handler) noexcept
      : state_(handler.loopcheck_tracking_), next_(detail::current_completion) {
    detail::current_completion = this;
  }
  ~completion() {
    detail::current_completion = next_;
    if (state_.id != 0 && !returned_) detail::on_abnormal_end(*this);
  }
  completion(const completion&) = delete;
  completion& operator=(const completion&) = delete;

  template <typename... Args>
  void invocation_begin(const Args&...) noexcept {
    invoked_ = true;
  }
  void invocation_end() noexcept {
    returned_ = true;
    // The handler returned: whatever an inner handler threw was caught inside it.
    detail::exception_reported = false;
  }

  const operation_state& state() const noexcept { return state_; }
  bool invoked() const noexcept { return invoked_; }
  const completion* next() const noexcept { return next_; }

 private:
  operation_state state_;
  completion* next_;
  bool invoked_ = false;
  bool returned_ = false;
};

inline void creation(boost::asio::execution_context&, tracked_handler& handler, const char* object_type, void*,
                     std::uintmax_t, const char* op_name) noexcept {
  operation_state& s = handler.loopcheck_tracking_;
  s.id = detail::next_operation_id();
  s.object_type = object_type;
  s.op_name = op_name;
  if (detail::current_location != nullptr) s.user_location = detail::innermost_user_location();
  const completion* parent = detail::current_completion;
  if (parent != nullptr && parent->state().id != 0) {
    const operation_state& p = parent->state();
    s.parent_id = p.id;
    s.parent_object_type = p.object_type;
    s.parent_op_name = p.op_name;
    s.root_id = p.root_id;
    s.root_object_type = p.root_object_type;
    s.root_op_name = p.root_op_name;
    s.depth = p.depth + 1;
    s.created_in_teardown = p.created_in_teardown || !parent->invoked();
    if (s.user_location.file == nullptr) s.user_location = p.user_location;
    s.root_stack = p.root_stack;
  } else {
    s.root_id = s.id;
    s.root_object_type = object_type;
    s.root_op_name = op_name;
    if (s.user_location.file == nullptr) s.root_stack = capture_root_stack();
  }
}

template <typename... Args>
void ignore_event(const Args&...) noexcept {}

}  // namespace loopcheck::asio_tracking
