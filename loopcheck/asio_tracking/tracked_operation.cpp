#include "loopcheck/asio_tracking/tracked_operation.hpp"

#include <atomic>
#include <chrono>
#include <fmt/format.h>

#include "loopcheck/asio_tracking/report.hpp"
#include "loopcheck/asio_tracking/source_site.hpp"

namespace loopcheck::asio_tracking {

namespace {

std::atomic<std::uint64_t> last_block_end{0};

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
            .time = tracking_time(),
            .message = fmt::format("{} ({})", what, chain_text(s))});
  } catch (...) {
    // Out of memory while formatting: a destructor must not throw, and the finding is lost.
  }
}

}  // namespace

void init() {
  tracking_time();
  create_report_file();
}

namespace detail {

std::uint64_t take_id_block() noexcept {
  return last_block_end.fetch_add(id_block_size, std::memory_order_relaxed) + 1;
}

code_location innermost_user_location() noexcept {
  for (const scoped_location* l = current_location; l != nullptr; l = l->next()) {
    if (!is_boost_file(l->where().file)) return l->where();
  }
  return {};
}

void on_abnormal_end(const completion& c) noexcept {
  const operation_state& s = c.state();
  if (!c.invoked()) {
    if (s.created_in_teardown) return;
    report_operation(finding_kind::leaked_task, s,
                     "destroyed without being invoked: still pending when its execution context was shut down");
    return;
  }
  if (!exception_reported) {
    report_operation(finding_kind::unobserved_exception, s,
                     "its handler left by an exception, out of the context's run()");
    exception_reported = true;
  }
  if (c.next() == nullptr) exception_reported = false;
}

}  // namespace detail

}  // namespace loopcheck::asio_tracking
