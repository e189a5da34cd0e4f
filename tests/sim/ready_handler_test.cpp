// ready_handler keeps small nothrow-movable functions inline and others on the heap; either way
// it runs a function once, moves it without copying, and destroys it exactly once.
#include <boost/test/unit_test.hpp>

#include <array>
#include <memory>
#include <utility>

#include "loopcheck/sim/ready_handler.hpp"

namespace sim = loopcheck::sim;

namespace {

// Counts live copies, so a test sees every construction and destruction.
struct lifetime_counter {
  explicit lifetime_counter(int& live) : live_(&live) { ++*live_; }
  lifetime_counter(lifetime_counter&& other) noexcept : live_(other.live_) { ++*live_; }
  lifetime_counter(const lifetime_counter& other) : live_(other.live_) { ++*live_; }
  ~lifetime_counter() { --*live_; }
  int* live_;
};

template <std::size_t PaddingBytes>
void check_runs_moves_and_destroys_once() {
  int live = 0;
  int runs = 0;
  {
    std::array<char, PaddingBytes> padding{};
    sim::ready_handler first([counter = lifetime_counter(live), padding, &runs] { runs += 1 + padding[0]; });
    BOOST_TEST(live == 1);
    sim::ready_handler second(std::move(first));
    BOOST_TEST(live == 1);  // moved, not copied
    sim::ready_handler third([] {});
    third = std::move(second);
    BOOST_TEST(live == 1);
    std::move(third)();
    BOOST_TEST(runs == 1);
    BOOST_TEST(live == 1);  // running does not destroy: the ready_handler does
  }
  BOOST_TEST(live == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ready_handler_suite)

BOOST_AUTO_TEST_CASE(a_small_function_is_run_moved_and_destroyed_once) {
  check_runs_moves_and_destroys_once<1>();
}

BOOST_AUTO_TEST_CASE(a_function_larger_than_the_inline_buffer_is_run_moved_and_destroyed_once) {
  check_runs_moves_and_destroys_once<sim::ready_handler::inline_capacity_bytes * 2>();
}

BOOST_AUTO_TEST_CASE(a_handler_never_run_still_destroys_its_function) {
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> watch = owned;
  { sim::ready_handler never_run([owned = std::move(owned)] {}); }
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_SUITE_END()
