// One body per behaviour, run over both implementations: sim_vfs must mean what posix_vfs does.
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "test_support.hpp"

// g++ 12 false positive on the coroutine lambdas below: once inlined, it cannot pair Asio's
// awaitable-frame operator new with its operator delete (-Wmismatched-new-delete).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace vfs = loopcheck::vfs;
namespace asio = boost::asio;
using vfs::create_mode;
using vfs::testing::run_coroutine;

namespace {

struct posix_backend {
  vfs::testing::temp_directory scratch;
  vfs::posix_vfs fs;
  std::string root() const { return scratch.path(); }
};

struct sim_backend {
  vfs::sim_vfs fs{vfs::testing::tree_with_file("work", "", ""), {}};
  std::string root() const { return "/work"; }
};

using backends = boost::mpl::list<posix_backend, sim_backend>;

// Awaits `call` and returns the vfs::error it threw, if any.
template <typename Call>
asio::awaitable<std::optional<vfs::error>> caught_error(Call call) {
  try {
    co_await call();
  } catch (const vfs::error& e) {
    co_return e;
  }
  co_return std::nullopt;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(file_system_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(create_write_append_read_stat, Backend, backends) {
  Backend backend;
  auto& fs = backend.fs;
  const std::string file = backend.root() + "/data.bin";
  // BOOST_TEST cannot hold a co_await: each result is awaited into a local first.
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.create(file, create_mode::exclusive);
    const vfs::file_stat created = co_await fs.stat(file);
    BOOST_TEST((created == vfs::file_stat{.exists = true, .is_directory = false, .size_bytes = 0}));
    co_await fs.write_at(file, 0, "hello");
    co_await fs.append(file, " world");
    std::string content = co_await fs.read_file(file);
    BOOST_TEST(content == "hello world");
    co_await fs.write_at(file, 0, "J");
    co_await fs.write_at(file, 13, "!");  // past the end: the gap reads as zeros
    content = co_await fs.read_file(file);
    const std::string with_hole("Jello world\0\0!", 14);
    BOOST_TEST(content == with_hole);
    co_await fs.fsync_file(file);
    co_await fs.truncate(file, 5);
    content = co_await fs.read_file(file);
    BOOST_TEST(content == "Jello");
    co_await fs.create(file, create_mode::open_existing);
    content = co_await fs.read_file(file);
    BOOST_TEST(content == "Jello");
    co_await fs.create(file, create_mode::truncate_existing);
    const vfs::file_stat truncated = co_await fs.stat(file);
    BOOST_TEST(truncated.size_bytes == 0u);
    const vfs::file_stat root = co_await fs.stat(backend.root());
    BOOST_TEST(root.is_directory);
    const vfs::file_stat missing = co_await fs.stat(backend.root() + "/missing");
    BOOST_TEST(!missing.exists);
    const vfs::file_stat below_a_file = co_await fs.stat(file + "/below-a-file");
    BOOST_TEST(!below_a_file.exists);
  });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(directories_rename_unlink_list, Backend, backends) {
  Backend backend;
  auto& fs = backend.fs;
  const std::string dir = backend.root() + "/store";
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.create_directory(dir);
    co_await fs.create(dir + "/b", create_mode::exclusive);
    co_await fs.create(dir + "/a.tmp", create_mode::exclusive);
    co_await fs.append(dir + "/a.tmp", "new");
    co_await fs.append(dir + "/b", "old");
    std::vector<std::string> names = co_await fs.list_dir(dir);
    BOOST_TEST((names == std::vector<std::string>{"a.tmp", "b"}));
    co_await fs.rename(dir + "/a.tmp", dir + "/b");  // replaces b atomically
    names = co_await fs.list_dir(dir);
    BOOST_TEST((names == std::vector<std::string>{"b"}));
    const std::string content = co_await fs.read_file(dir + "/b");
    BOOST_TEST(content == "new");
    co_await fs.rename(dir + "/b", dir + "/b");  // same file: no-op
    co_await fs.fsync_dir(dir);
    co_await fs.unlink(dir + "/b");
    names = co_await fs.list_dir(dir);
    BOOST_TEST(names.empty());
    co_await fs.rename(dir, backend.root() + "/moved");
    const vfs::file_stat moved = co_await fs.stat(backend.root() + "/moved");
    BOOST_TEST(moved.is_directory);
    const vfs::file_stat old_name = co_await fs.stat(dir);
    BOOST_TEST(!old_name.exists);
  });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(errors_carry_errno_operation_and_paths, Backend, backends) {
  Backend backend;
  auto& fs = backend.fs;
  const std::string missing = backend.root() + "/missing.json";
  const std::string file = backend.root() + "/file";
  const std::string dir = backend.root() + "/dir";
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await fs.create(file, create_mode::exclusive);
    co_await fs.create_directory(dir);
    struct expectation {
      std::function<asio::awaitable<void>()> call;
      int errno_value;
      std::string operation;
      std::string path;
    };
    const std::vector<expectation> expectations{
        {[&]() -> asio::awaitable<void> { co_await fs.read_file(missing); }, ENOENT, "read_file", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.read_file(dir); }, EISDIR, "read_file", dir},
        {[&]() -> asio::awaitable<void> { co_await fs.write_at(missing, 0, "x"); }, ENOENT, "write_at", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.append(missing, "x"); }, ENOENT, "append", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.truncate(missing, 0); }, ENOENT, "truncate", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.fsync_file(missing); }, ENOENT, "fsync_file", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.create(file, create_mode::exclusive); }, EEXIST, "create", file},
        {[&]() -> asio::awaitable<void> { co_await fs.create(missing + "/x", create_mode::exclusive); }, ENOENT,
         "create", missing + "/x"},
        {[&]() -> asio::awaitable<void> { co_await fs.create_directory(dir); }, EEXIST, "create_directory", dir},
        {[&]() -> asio::awaitable<void> { co_await fs.unlink(missing); }, ENOENT, "unlink", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.unlink(dir); }, EISDIR, "unlink", dir},
        {[&]() -> asio::awaitable<void> { co_await fs.fsync_dir(missing); }, ENOENT, "fsync_dir", missing},
        {[&]() -> asio::awaitable<void> { co_await fs.list_dir(file); }, ENOTDIR, "list_dir", file},
        {[&]() -> asio::awaitable<void> { co_await fs.rename(file, dir); }, EISDIR, "rename", file},
    };
    for (const auto& expected : expectations) {
      std::optional<vfs::error> caught = co_await caught_error(expected.call);
      BOOST_REQUIRE_MESSAGE(caught, "expected a vfs::error from " << expected.operation << " " << expected.path);
      const vfs::error& e = *caught;
      BOOST_TEST_CONTEXT(e.what()) {
        BOOST_TEST(e.errno_value() == expected.errno_value);
        BOOST_TEST(e.operation() == expected.operation);
        BOOST_TEST(e.path() == expected.path);
        BOOST_TEST(contains(e.what(), "'" + expected.path + "'"));
        BOOST_TEST(contains(e.what(), std::generic_category().message(expected.errno_value)));
      }
    }
    auto rename_missing = [&]() -> asio::awaitable<void> { co_await fs.rename(missing, file); };
    std::optional<vfs::error> renamed = co_await caught_error(rename_missing);
    BOOST_REQUIRE(renamed);
    BOOST_TEST(renamed->errno_value() == ENOENT);
    BOOST_TEST(renamed->other_path() == file);
    BOOST_TEST(contains(renamed->what(), "'" + missing + "' -> '" + file + "'"));
  });
}

BOOST_AUTO_TEST_SUITE_END()
