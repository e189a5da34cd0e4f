// read_file_now: a whole file from synchronous code, on both file systems; nullopt, never a
// throw, when the file cannot be read.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/read_file_now.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "test_support.hpp"

namespace vfs = loopcheck::vfs;

BOOST_AUTO_TEST_SUITE(vfs_read_file_now)

BOOST_AUTO_TEST_CASE(reads_a_simulated_file_or_reports_it_missing) {
  vfs::sim_vfs fs(vfs::testing::tree_with_file("data", "a", "bytes"), {});
  BOOST_TEST(vfs::read_file_now(fs, "/data/a").value_or("<none>") == "bytes");
  BOOST_TEST(!vfs::read_file_now(fs, "/data/missing").has_value());
  BOOST_TEST(!vfs::read_file_now(fs, "/data").has_value());  // a directory
}

BOOST_AUTO_TEST_CASE(reads_a_real_file_or_reports_it_missing) {
  vfs::testing::temp_directory scratch;
  const std::string path = scratch.path() + "/a";
  std::ofstream(path) << "real bytes";
  vfs::posix_vfs fs;
  BOOST_TEST(vfs::read_file_now(fs, path).value_or("<none>") == "real bytes");
  BOOST_TEST(!vfs::read_file_now(fs, scratch.path() + "/missing").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
