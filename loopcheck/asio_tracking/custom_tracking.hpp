#pragma once
// The header named by BOOST_ASIO_CUSTOM_HANDLER_TRACKING: Asio's tracking hooks routed to
// loopcheck's tracker (tracked_operation.hpp). Never include it yourself; compile a target with
//   loopcheck_track_asio(<target>)
// which defines BOOST_ASIO_CUSTOM_HANDLER_TRACKING="loopcheck/asio_tracking/custom_tracking.hpp".
// Every macro Asio 1.26 (Boost 1.81) expects is defined here, including
// BOOST_ASIO_HANDLER_LOCATION, which Asio's header comment omits but impl/write.hpp uses.
#include "loopcheck/asio_tracking/tracked_operation.hpp"

#define BOOST_ASIO_INHERIT_TRACKED_HANDLER : public ::loopcheck::asio_tracking::tracked_handler
#define BOOST_ASIO_ALSO_INHERIT_TRACKED_HANDLER , public ::loopcheck::asio_tracking::tracked_handler
#define BOOST_ASIO_HANDLER_TRACKING_INIT ::loopcheck::asio_tracking::init()
// A named local: the location stays on the thread's location stack for the rest of the scope
// that initiates the operation, as Asio's own tracking does.
#define BOOST_ASIO_HANDLER_LOCATION(args) \
  const ::loopcheck::asio_tracking::scoped_location loopcheck_tracked_location args
#define BOOST_ASIO_HANDLER_CREATION(args) ::loopcheck::asio_tracking::creation args
#define BOOST_ASIO_HANDLER_COMPLETION(args) ::loopcheck::asio_tracking::completion tracked_completion args
#define BOOST_ASIO_HANDLER_INVOCATION_BEGIN(args) tracked_completion.invocation_begin args
#define BOOST_ASIO_HANDLER_INVOCATION_END tracked_completion.invocation_end()
// Cancellations, closes and reactor traffic say nothing about leaks or lost exceptions.
#define BOOST_ASIO_HANDLER_OPERATION(args) ::loopcheck::asio_tracking::ignore_event args
#define BOOST_ASIO_HANDLER_REACTOR_REGISTRATION(args) ::loopcheck::asio_tracking::ignore_event args
#define BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION(args) ::loopcheck::asio_tracking::ignore_event args
#define BOOST_ASIO_HANDLER_REACTOR_READ_EVENT 1
#define BOOST_ASIO_HANDLER_REACTOR_WRITE_EVENT 2
#define BOOST_ASIO_HANDLER_REACTOR_ERROR_EVENT 4
#define BOOST_ASIO_HANDLER_REACTOR_EVENTS(args) ::loopcheck::asio_tracking::ignore_event args
#define BOOST_ASIO_HANDLER_REACTOR_OPERATION(args) ::loopcheck::asio_tracking::ignore_event args
