#include "loopcheck/sim/asio_io_guard.hpp"

#include <array>
#include <string_view>

#include "loopcheck/runtime/call_stack.hpp"
#include "loopcheck/runtime/foreign_io.hpp"

namespace loopcheck::sim {

namespace {

struct asio_object {
  std::string_view service;  // the Asio service whose constructor asked for the reactor
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
};

// Which object's constructor is asking, from the Asio service frames on the stack.
const asio_object& identify(const deep_call_stack& where) {
  static constexpr asio_object unknown{"", "an Asio I/O object that needs io_context's reactor",
                                       "run it on an io_context, or keep it out of simulated code"};
  for (const source_frame& frame : where.symbolise()) {
    for (const asio_object& known : known_objects) {
      if (frame.function.find(known.service) != std::string::npos) return known;
    }
  }
  return unknown;
}

asio::detail::scheduler_task* refuse_reactor(asio::execution_context&) {
  const deep_call_stack where = deep_call_stack::capture();
  const asio_object& object = identify(where);
  throw_foreign_io(object.object, object.instead, where.first_user_frame());
}

}  // namespace

void guard_against_asio_io_objects(asio::execution_context& context) {
  if constexpr (asio_io_guard_active) {
    // concurrency hint 1: the scheduler is never run; own_thread false: no thread.
    asio::add_service(context, new asio::detail::scheduler(context, 1, false, &refuse_reactor));
  }
}

}  // namespace loopcheck::sim
