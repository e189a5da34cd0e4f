#define BOOST_TEST_MODULE loopcheck reports
#include <boost/test/unit_test.hpp>
