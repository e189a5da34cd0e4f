// File operations of the simulated file system are part of a simulated run's identity.
#include <boost/test/unit_test.hpp>
#include <string>

#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "sim_test_support.hpp"

namespace {

namespace asio = boost::asio;
namespace sim = loopcheck::sim;

asio::awaitable<void> write_file(loopcheck::vfs::file_system& fs, std::string content) {
  co_await fs.create("/data", loopcheck::vfs::create_mode::truncate_existing);
  co_await fs.write_at("/data", 0, content);
  co_await fs.fsync_file("/data");
}

struct file_run {
  std::uint64_t hash;
  std::size_t file_events;
};

file_run run_writing(std::string content) {
  sim::sim_context context({.seed = 7});
  loopcheck::vfs::sim_vfs fs({.on_event = sim::file_event_hook(context)});
  asio::co_spawn(context, write_file(fs, std::move(content)), asio::detached);
  const auto outcome = context.run();
  BOOST_TEST(outcome.status == sim::run_status::completed);
  std::size_t file_events = 0;
  for (const auto& e : context.events()) file_events += e.kind == "fs";
  return {outcome.event_hash, file_events};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_file_events)

BOOST_AUTO_TEST_CASE(file_operations_are_logged_and_hashed) {
  const auto a = run_writing("hello");
  const auto a_again = run_writing("hello");
  const auto b = run_writing("hellp");
  BOOST_TEST(a.file_events >= 3u);  // create, write, fsync
  BOOST_TEST(a.hash == a_again.hash);
  BOOST_TEST(a.hash != b.hash);  // same schedule, different bytes written: a different run
}

BOOST_AUTO_TEST_SUITE_END()
