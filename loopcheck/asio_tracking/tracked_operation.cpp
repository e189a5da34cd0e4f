#include "loopcheck/asio_tracking/tracked_operation.hpp"

#include <atomic>
#include <chrono>
#include <fmt/format.h>

#include "loopcheck/asio_tracking/report.hpp"
#include "loopcheck/asio_tracking/source_site.hpp"

namespace loopcheck::asio_tracking {

namespace {

std::atomic<std::uint64_t> last_operation_id{0};

// Per thread: the handler being completed (its operation is the parent of any operation created
// now) and the innermost recorded location.
thread_local completion* current_completion = nullptr;
thread_local const scoped_location* current_location = nullptr;
// An exception leaving nested handlers passes every enclosing completion: only the innermost,
// the handler that threw, reports it.
thread_local bool exception_reported = false;

std::chrono::steady_clock::time_point process_start() {
  static const auto start = std::chrono::steady_clock::now();
  return start;
}

code_location innermost_user_location() noexcept {
  for (const scoped_location* l = current_location; l != nullptr; l = l->next()) {
    if (!is_boost_file(l->where().file)) return l->where();
  }
  return {};
}

std::string operation_name(const char* object_type, const char* op_name) {
  return fmt::format("{}.{}", object_type, op_name);
}

std::string chain_text(const operation_state& s) {
  if (s.parent_id == 0) return "created outside any handler";
  std::string text = fmt::format("created by {} #{}", operation_name(s.parent_object_type, s.parent_op_name),
                                 s.parent_id);
  if (s.root_id != s.parent_id) {
    text += fmt::format(", {} operations below the root {} #{}", s.depth,
                        operation_name(s.root_object_type, s.root_op_name), s.root_id);
  }
  return text;
}

void report_operation(finding_kind kind, const operation_state& s, std::string_view what) noexcept {
  try {
    report({.kind = kind,
            .task_name = operation_name(s.object_type, s.op_name),
            .task_id = s.id,
            .site = resolve_site(s),
            .time = std::chrono::steady_clock::now() - process_start(),
            .message = fmt::format("{} ({})", what, chain_text(s))});
  } catch (...) {
    // Out of memory while formatting: a destructor must not throw, and the finding is lost.
  }
}

}  // namespace

void init() {
  process_start();
  create_report_file();
}

scoped_location::scoped_location(const char* file, int line, const char* function) noexcept
    : file_(file), function_(function), line_(line), next_(current_location) {
  // Asio passes a null file when a token carries no location (the global use_awaitable).
  if (file_ != nullptr) current_location = this;
}

scoped_location::~scoped_location() {
  if (file_ != nullptr) current_location = next_;
}

void creation(boost::asio::execution_context&, tracked_handler& handler, const char* object_type, void*,
              std::uintmax_t, const char* op_name) noexcept {
  operation_state& s = handler.loopcheck_tracking_;
  s.id = last_operation_id.fetch_add(1, std::memory_order_relaxed) + 1;
  s.object_type = object_type;
  s.op_name = op_name;
  s.user_location = innermost_user_location();
  const completion* parent = current_completion;
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

completion::completion(const tracked_handler& handler) noexcept
    : state_(handler.loopcheck_tracking_), next_(current_completion) {
  current_completion = this;
}

void completion::invocation_end() noexcept {
  returned_ = true;
  // The handler returned: whatever an inner handler threw was caught inside it.
  exception_reported = false;
}

completion::~completion() {
  current_completion = next_;
  if (state_.id == 0) return;
  if (!invoked_) {
    if (state_.created_in_teardown) return;
    report_operation(finding_kind::leaked_task, state_,
                     "destroyed without being invoked: still pending when its execution context was shut down");
  } else if (!returned_) {
    if (!exception_reported) {
      report_operation(finding_kind::unobserved_exception, state_,
                       "its handler left by an exception, out of the context's run()");
      exception_reported = true;
    }
    if (next_ == nullptr) exception_reported = false;
  }
}

}  // namespace loopcheck::asio_tracking
