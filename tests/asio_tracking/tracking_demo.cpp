// A Boost.Test suite of plain Asio code under loopcheck's fixture, compiled with the tracker:
// exactly the wrong patterns fail, one line per finding naming the user's source line.
// TrackingDemo.cmake runs it and checks which cases failed.
#define BOOST_TEST_MODULE asio tracking demo
#include <boost/test/unit_test.hpp>

#include "loopcheck/fixtures/task_hygiene.hpp"
#include "plain_asio_cases.hpp"

LOOPCHECK_TASK_HYGIENE_FOR_EVERY_TEST();

BOOST_AUTO_TEST_CASE(bad_pending_coroutine) { plain_asio::leave_a_coroutine_pending(); }
BOOST_AUTO_TEST_CASE(bad_throwing_handler) { plain_asio::post_a_throwing_handler(); }
BOOST_AUTO_TEST_CASE(bad_never_run) { plain_asio::post_to_a_context_never_run(); }
BOOST_AUTO_TEST_CASE(bad_lost_detached_exception) { plain_asio::lose_a_detached_exception(); }
BOOST_AUTO_TEST_CASE(good_coroutine_finishes) { plain_asio::let_the_coroutine_finish(); }
BOOST_AUTO_TEST_CASE(good_coroutine_cancelled) { plain_asio::cancel_the_coroutine_then_finish(); }
BOOST_AUTO_TEST_CASE(good_handler_catches) { plain_asio::post_a_handler_that_catches(); }
BOOST_AUTO_TEST_CASE(good_detached_exception_caught) { plain_asio::catch_inside_the_detached_coroutine(); }
