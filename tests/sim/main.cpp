#define BOOST_TEST_MODULE loopcheck sim
#include <boost/test/unit_test.hpp>
