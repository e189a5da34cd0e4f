#define BOOST_TEST_MODULE loopcheck pdict
#include <boost/test/unit_test.hpp>
