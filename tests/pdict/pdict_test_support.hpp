#pragma once
#include "loopcheck/vfs/temp_directory.hpp"
// Helpers shared by the pdict tests: run a coroutine on the simulator or a real io_context,
// a file tree holding /data, a scratch directory, and reading a store's state.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/snapshot_format.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/file_tree.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"

namespace pdict_test {

namespace asio = boost::asio;
namespace json = boost::json;
namespace pdict = loopcheck::pdict;
namespace vfs = loopcheck::vfs;

inline const std::string dict_path = "/data/dict.json";

// Runs `body(executor)` as the root coroutine of a fresh simulated context (virtual time) until
// the run ends; rethrows what the body threw. `body` stays alive meanwhile: a coroutine
// lambda's frame refers to its closure.
template <typename Body>
void run_on_sim(Body body, std::uint64_t seed = 0) {
  loopcheck::sim::sim_context sim({.seed = seed});
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(sim.get_executor(), body(asio::any_io_executor(sim.get_executor())),
                 [&](std::exception_ptr e) {
                   finished = true;
                   error = e;
                 });
  const auto outcome = sim.run();
  if (error) std::rethrow_exception(error);
  if (!finished) throw std::runtime_error("the simulated run ended before its root coroutine: " +
                                          std::string(to_string(outcome.status)));
}

// The same on a real io_context.
template <typename Body>
void run_on_io(Body body) {
  asio::io_context ctx;
  auto done = asio::co_spawn(ctx, body(asio::any_io_executor(ctx.get_executor())), asio::use_future);
  ctx.run();
  done.get();
}

// A durable tree holding the directory /data and, when `content` is given, /data/dict.json.
inline vfs::file_tree tree_with_dict_file(const std::string* content = nullptr) {
  vfs::file_tree tree;
  const vfs::inode_id dir = tree.next_inode_id();
  tree.add_inode(dir, true);
  tree.link(vfs::file_tree::root_inode, "data", dir);
  if (content != nullptr) {
    const vfs::inode_id file = tree.next_inode_id();
    tree.add_inode(file, false);
    tree.link(dir, "dict.json", file);
    tree.write(file, 0, *content);
  }
  return tree;
}

inline pdict::dict_options options_for(pdict::persistence_mode mode) {
  pdict::dict_options options;
  options.path = dict_path;
  options.mode = mode;
  return options;
}

inline const char* name_of(pdict::persistence_mode mode) {
  return mode == pdict::persistence_mode::journal ? "journal" : "snapshot";
}

// The turnover test fsyncs thousands of times and measures the dict, not the disk.
inline loopcheck::vfs::temp_directory memory_temp_directory() {
  return loopcheck::vfs::temp_directory("loopcheck-pdict", loopcheck::vfs::temp_storage::memory);
}

}  // namespace pdict_test
