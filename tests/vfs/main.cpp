#define BOOST_TEST_MODULE loopcheck vfs
#include <boost/test/unit_test.hpp>
