#include "loopcheck/runtime/slab_pool.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <vector>

namespace {

// Counts live objects, so the tests see when slabs are built and destroyed.
struct counted {
  static inline int alive = 0;
  counted() { ++alive; }
  ~counted() { --alive; }
  counted(const counted&) = delete;
  counted& operator=(const counted&) = delete;
  int value = 0;
};

using pool_of_4 = loopcheck::slab_pool<counted, 4>;

// Takes `n` objects, or gives back what `taken` holds (and destroys any slab released).
std::vector<counted*> take(pool_of_4& pool, int n) {
  std::vector<counted*> taken;
  for (int i = 0; i < n; ++i) taken.push_back(pool.take());
  return taken;
}
void give_back(pool_of_4& pool, std::vector<counted*>& taken) {
  for (counted* c : taken) auto released = pool.give_back(c);
  taken.clear();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slab_pool)

BOOST_AUTO_TEST_CASE(objects_are_built_a_slab_at_a_time_and_reused) {
  {
    pool_of_4 pool(/*max_empty_slabs=*/1);
    auto first = take(pool, 5);
    BOOST_TEST(counted::alive == 8);  // two slabs of four
    BOOST_TEST(std::set<counted*>(first.begin(), first.end()).size() == 5u);
    first[0]->value = 7;
    counted* reused = first[0];
    BOOST_TEST(!pool.give_back(first[0]));  // its slab still has objects in use
    first.erase(first.begin());
    BOOST_TEST(pool.take() == reused);  // the object given back comes first
    BOOST_TEST(reused->value == 7);     // reused as it was: the owner resets what it needs
    first.push_back(reused);
    give_back(pool, first);
  }
  BOOST_TEST(counted::alive == 0);  // the pool destroys the slabs it kept
}

BOOST_AUTO_TEST_CASE(keeps_at_most_max_empty_slabs) {
  pool_of_4 pool(/*max_empty_slabs=*/1);
  auto taken = take(pool, 12);  // three full slabs
  BOOST_TEST(counted::alive == 12);
  int released_slabs = 0;
  for (counted* c : taken) {
    if (auto released = pool.give_back(c)) ++released_slabs;
  }
  BOOST_TEST(released_slabs == 2);  // the first empty slab is kept, the next two go
  BOOST_TEST(counted::alive == 4);
  auto again = take(pool, 4);  // the kept slab serves, nothing new is built
  BOOST_TEST(counted::alive == 4);
  give_back(pool, again);
}

BOOST_AUTO_TEST_CASE(a_burst_builds_one_slab_per_objects_per_slab) {
  pool_of_4 pool(/*max_empty_slabs=*/0);
  auto taken = take(pool, 1000);
  BOOST_TEST(counted::alive == 1000);
  give_back(pool, taken);
  BOOST_TEST(counted::alive == 0);  // nothing kept: every slab went as it emptied
}

BOOST_AUTO_TEST_SUITE_END()
