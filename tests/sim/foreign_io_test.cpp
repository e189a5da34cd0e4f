// Asio I/O objects that need io_context (timers, sockets, signal sets, resolvers) and posix_vfs
// on a sim_context: each must fail at once, naming itself, and start no thread. Before, each
// created Asio's internal scheduler and its thread (a resolver: its resolver thread), completed
// in real time on that thread, and the run ended with a false deadlock. The same cases run on
// both paths of the guard (asio_io_guard.hpp): the default preset's scheduler guard, and the
// portable preset's constructor check alone (LOOPCHECK_PORTABLE_IO_GUARD).
#include <boost/asio/experimental/channel.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "loopcheck/runtime/foreign_io.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "loopcheck/sim/asio_io_guard.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace sim = loopcheck::sim;
using sim_test::options_for;

namespace {

asio::awaitable<void> wait_on_asio_timer() {
  asio::steady_timer timer(co_await asio::this_coro::executor, 10ms);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> connect_asio_socket() {
  asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
  socket.open(asio::ip::tcp::v4());
}

asio::awaitable<void> wait_on_signal_set() {
  asio::signal_set signals(co_await asio::this_coro::executor, SIGUSR2);
  co_await signals.async_wait(asio::use_awaitable);
}

asio::awaitable<void> resolve_localhost() {
  asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
  co_await resolver.async_resolve("localhost", "80", asio::use_awaitable);
}

asio::awaitable<void> read_through_posix_vfs(loopcheck::vfs::posix_vfs& fs) {
  co_await fs.read_file("/proc/self/status");
}

enum class names_site : bool { no, yes };

// Runs `body` as a tracked task on a fresh sim_context and checks that it failed with a
// foreign_io_error naming `object` (and this file's line, when `site`), the run did not end in
// a deadlock, and no thread started.
template <typename Body>
void check_refused(Body body, std::string_view object, names_site site) {
  const std::size_t threads_before = sim_test::thread_count();
  std::optional<std::string> error;
  {
    sim::sim_context context(options_for(1, sim::strategy_kind::fifo));
    const auto ex = context.get_executor();
    loopcheck::spawn_tracked(ex, "foreign", body(),
                             [&error](loopcheck::task_record&, std::exception_ptr failure) {
                               try {
                                 if (failure) std::rethrow_exception(failure);
                               } catch (const loopcheck::foreign_io_error& e) {
                                 error = e.what();
                               } catch (const boost::system::system_error& e) {
                                 error = "system_error: " + e.code().message();
                               } catch (const std::exception& e) {
                                 error = std::string("not a foreign_io_error: ") + e.what();
                               }
                             },
                             std::source_location::current());
    const auto outcome = context.run();
    BOOST_TEST(outcome.status == sim::run_status::completed);
    BOOST_TEST(loopcheck::task_registry::of(context).findings()->count(loopcheck::finding_kind::deadlock) == 0u);
    BOOST_TEST(sim_test::thread_count() == threads_before);
  }
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST_MESSAGE((sim::asio_io_guard_active ? "scheduler guard compiled in: " : "constructor check only: ")
                     << *error);
  BOOST_TEST(error->find(object) != std::string::npos, "'" << *error << "' names " << object);
  if (site == names_site::yes && loopcheck::call_stack_has_lines()) {
    BOOST_TEST(error->find("foreign_io_test.cpp:") != std::string::npos, "'" << *error << "' names the creation site");
  }
}

}  // namespace

// Label io_guard: also run on the portable preset (.ci/run).
BOOST_AUTO_TEST_SUITE(foreign_io, *boost::unit_test::label("io_guard"))

BOOST_AUTO_TEST_CASE(an_asio_steady_timer_on_sim_fails_at_once_naming_it) {
  check_refused(wait_on_asio_timer, "asio::steady_timer", names_site::yes);
}

BOOST_AUTO_TEST_CASE(an_asio_tcp_socket_on_sim_fails_at_once_naming_it) {
  check_refused(connect_asio_socket, "asio::ip::tcp::socket", names_site::yes);
}

BOOST_AUTO_TEST_CASE(an_asio_signal_set_on_sim_fails_at_once_naming_it) {
  check_refused(wait_on_signal_set, "asio::signal_set", names_site::yes);
}

// A resolver needs no reactor, so the scheduler guard cannot refuse it at construction: its
// resolve fails at once with operation_not_supported instead, without a resolver thread. The
// constructor check (the guard compiled out) names it.
BOOST_AUTO_TEST_CASE(an_asio_resolver_on_sim_fails_at_once) {
  if constexpr (sim::asio_io_guard_active) {
    check_refused(resolve_localhost, "system_error: Operation not supported", names_site::no);
  } else {
    check_refused(resolve_localhost, "asio::ip::tcp::resolver", names_site::yes);
  }
}

BOOST_AUTO_TEST_CASE(posix_vfs_on_sim_fails_at_once_naming_it) {
  loopcheck::vfs::posix_vfs fs;  // its pool threads exist before the run and are not counted
  // Used from inside a coroutine Asio resumes: the user's line is not on the stack, the
  // operation is named instead.
  check_refused([&fs] { return read_through_posix_vfs(fs); }, "posix_vfs::read_file", names_site::no);
}

// What the guard must let through: objects that reach the outside only through their executor.
BOOST_AUTO_TEST_CASE(a_strand_and_a_channel_on_sim_still_work) {
  sim::sim_context context(options_for(1, sim::strategy_kind::fifo));
  const asio::any_io_executor ex = context.get_executor();
  asio::experimental::channel<void(boost::system::error_code, int)> channel(ex, 1);
  const auto strand = asio::make_strand(ex);
  int received = 0;
  auto produce = [&channel]() -> asio::awaitable<void> {
    for (int value = 1; value <= 3; ++value) co_await channel.async_send(boost::system::error_code{}, value, asio::use_awaitable);
  };
  auto consume = [&channel, &received]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) received += co_await channel.async_receive(asio::use_awaitable);
  };
  std::optional<std::exception_ptr> produced, consumed;
  auto producer = produce();
  auto consumer = consume();
  asio::co_spawn(strand, std::move(producer), [&produced](std::exception_ptr e) { produced = e; });
  asio::co_spawn(strand, std::move(consumer), [&consumed](std::exception_ptr e) { consumed = e; });
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  BOOST_REQUIRE(produced.has_value());
  BOOST_REQUIRE(consumed.has_value());
  BOOST_TEST(!*produced);
  BOOST_TEST(!*consumed);
  BOOST_TEST(received == 6);
}

BOOST_AUTO_TEST_SUITE_END()

// The guard is the simulator's: on an io_context the same objects work as Asio made them.
BOOST_AUTO_TEST_SUITE(foreign_io_on_io_context, *boost::unit_test::label("io_guard"))

BOOST_AUTO_TEST_CASE(an_asio_resolver_on_an_io_context_resolves_localhost) {
  asio::io_context context;
  asio::ip::tcp::resolver resolver(context);
  std::optional<boost::system::error_code> result;
  std::size_t endpoints = 0;
  resolver.async_resolve("localhost", "80",
                         [&](const boost::system::error_code& error, const asio::ip::tcp::resolver::results_type& found) {
                           result = error;
                           endpoints = found.size();
                         });
  context.run_for(10s);
  BOOST_REQUIRE(result.has_value());
  // A machine without a name service still proves the point: the resolver was built and ran.
  if (*result) {
    BOOST_TEST_MESSAGE("localhost did not resolve here: " << result->message());
  } else {
    BOOST_TEST(endpoints > 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
