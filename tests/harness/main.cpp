#define BOOST_TEST_MODULE loopcheck harness
#include <boost/test/unit_test.hpp>
