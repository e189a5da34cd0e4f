#define BOOST_TEST_MODULE loopcheck runtime
#include <boost/test/unit_test.hpp>
