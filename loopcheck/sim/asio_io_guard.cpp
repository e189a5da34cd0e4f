#include "loopcheck/sim/asio_io_guard.hpp"

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "loopcheck/runtime/call_stack.hpp"
#include "loopcheck/runtime/foreign_io.hpp"

namespace loopcheck::sim {

namespace {

struct asio_object {
  std::string_view service;  // the Asio service the object is built on, as in its frames' names
  std::string_view object;
  std::string_view instead;
};

constexpr std::array known_objects{
    asio_object{"deadline_timer_service", "an Asio timer (asio::steady_timer, system_timer or deadline_timer)",
                "use loopcheck::steady_timer (loopcheck/runtime/steady_timer.hpp) or loopcheck::sleep_for, which "
                "run in virtual time here and in real time on an io_context"},
    asio_object{"reactive_socket_service", "an Asio socket (asio::ip::tcp::socket, acceptor or udp::socket)",
                "the simulator has no network: test socket code on an io_context, or behind an interface the "
                "simulated test replaces"},
    asio_object{"signal_set_service", "an asio::signal_set",
                "the simulator delivers no signals: keep signal handling out of simulated code"},
    asio_object{"reactive_descriptor_service", "an Asio descriptor (asio::posix::stream_descriptor)",
                "the simulator has no descriptors: use loopcheck::vfs::file_system (sim_vfs) for files"},
    asio_object{"resolver_service", "an asio::ip::tcp::resolver (or udp::resolver)",
                "the simulator has no name service: resolve on an io_context, or behind an interface the simulated "
                "test replaces"},
};

// An Asio I/O object whose service is not in the table; every one of them is built on
// io_context's internals.
constexpr asio_object unknown_object{"", "an Asio I/O object that needs io_context's reactor",
                                     "run it on an io_context, or keep it out of simulated code"};

// Which object's constructor is asking, from the Asio service frames on the stack.
const asio_object& identify(const deep_call_stack& where) {
  for (const source_frame& frame : where.symbolise()) {
    for (const asio_object& known : known_objects) {
      if (frame.function.find(known.service) != std::string::npos) return known;
    }
  }
  return unknown_object;
}

[[noreturn]] void refuse(const asio_object& object, const deep_call_stack& where) {
  throw_foreign_io(object.object, object.instead, where.first_user_frame());
}

asio::detail::scheduler_task* refuse_reactor(asio::execution_context&) {
  const deep_call_stack where = deep_call_stack::capture();
  refuse(identify(where), where);
}

// A template, so that a Boost without this constructor discards the call instead of failing.
template <typename Scheduler>
Scheduler* add_refusing_scheduler(asio::execution_context& context) {
  if constexpr (asio_io_guard_active) {
    // own_thread false: no thread. Concurrency hint "unsafe": run only by the simulator's
    // thread, and it tells a resolver not to start its resolver thread (its operations then
    // fail with operation_not_supported, into this scheduler).
    auto* scheduler = new Scheduler(context, BOOST_ASIO_CONCURRENCY_HINT_UNSAFE, false, &refuse_reactor);
    asio::add_service(context, scheduler);
    return scheduler;
  }
  return nullptr;
}

// What one return address says about the query for the execution context in progress.
enum class frame_role : std::uint8_t {
  asio_machinery,  // Asio (or the executor itself): keep looking outward
  io_object,       // an Asio I/O object's constructor: `object` names it
  other_caller,    // code that is neither: not an object under construction, stop
};

struct frame_classification {
  frame_role role = frame_role::asio_machinery;
  const asio_object* object = nullptr;
};

// The simulator's own sources (this guard, the executor asking it): frames to look past.
bool is_simulator_file(std::string_view file) {
  constexpr std::string_view self = __FILE__;
  constexpr std::string_view name = "asio_io_guard.cpp";
  static_assert(self.ends_with(name));
  return file.starts_with(self.substr(0, self.size() - name.size()));
}

// Between an I/O object's constructor and this guard: Asio's query machinery, executors that
// forward the query to the executor they wrap (loopcheck's tracked_executor, a user's), and the
// simulator's executor.
bool is_query_machinery(const source_frame& frame) {
  return frame.file.find("/boost/") != std::string::npos || is_simulator_file(frame.file) ||
         frame.function.find("::query(boost::asio::execution::detail::context_t") != std::string::npos;
}

// Symbolises one return address (with its inline frames): the io_object_impl frame of an Asio
// I/O object, as "boost::asio::detail::io_object_impl<boost::asio::detail::resolver_service<..."
// (demangled) or its mangled form without libbacktrace, names the object's service.
frame_classification classify(void* return_address) {
  bool outside_asio = false;
  for (const source_frame& frame : detail::symbolise(&return_address, 1)) {
    const std::size_t impl = frame.function.find("io_object_impl");
    if (impl != std::string::npos) {
      for (const asio_object& known : known_objects) {
        if (frame.function.find(known.service, impl) != std::string::npos) return {frame_role::io_object, &known};
      }
      return {frame_role::io_object, &unknown_object};
    }
    // Without a file (no debug information) a frame cannot be placed: look further, bounded.
    if (!frame.file.empty() && !is_query_machinery(frame)) outside_asio = true;
  }
  return {outside_asio ? frame_role::other_caller : frame_role::asio_machinery, nullptr};
}

// Classifications by return address, kept for the process: symbolising is slow, and the same
// few call sites ask again and again.
class classification_cache {
 public:
  // Enough for every distinct call site of a large program; past it, addresses are symbolised
  // each time (correct, slower).
  static constexpr std::size_t max_entries = 16384;

  frame_classification lookup(void* return_address) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(return_address); it != entries_.end()) return it->second;
    }
    const frame_classification fresh = classify(return_address);
    std::lock_guard lock(mutex_);
    if (entries_.size() < max_entries) entries_.emplace(return_address, fresh);
    return fresh;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<void*, frame_classification> entries_;
};

classification_cache& cache() {
  static auto* const instance = new classification_cache();  // never destroyed: queries may come from static destructors
  return *instance;
}

// From the query to an I/O object's constructor: a dozen frames at -O0 (g++ 12, Boost 1.81; at
// -O2 three), more under a sanitizer.
constexpr std::size_t max_frames_to_object = 20;

const asio_object* object_under_construction() {
  const asio_object* found = nullptr;
  walk_return_addresses(
      max_frames_to_object,
      [](void* return_address, void* result) {
        const frame_classification c = cache().lookup(return_address);
        if (c.role == frame_role::io_object) *static_cast<const asio_object**>(result) = c.object;
        return c.role == frame_role::asio_machinery ? walk::go_on : walk::stop;
      },
      &found);
  return found;
}

}  // namespace

asio_io_guard::asio_io_guard(asio::execution_context& context)
    : scheduler_(add_refusing_scheduler<asio::detail::scheduler>(context)) {}

std::size_t asio_io_guard::complete_refused_operations() {
  if (scheduler_ == nullptr) return 0;
  boost::system::error_code ignored;
  const std::size_t ran = scheduler_->poll(ignored);
  // poll() stops the scheduler when it runs out of work; the next resolve needs it running.
  scheduler_->restart();
  return ran;
}

[[gnu::noinline]] void refuse_asio_io_object_under_construction() {
  if constexpr (!asio_io_guard_active) {
    if (const asio_object* object = object_under_construction()) refuse(*object, deep_call_stack::capture());
  }
}

}  // namespace loopcheck::sim
