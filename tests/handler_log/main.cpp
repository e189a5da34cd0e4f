#define BOOST_TEST_MODULE loopcheck handler_log
#include <boost/test/unit_test.hpp>
