# loopcheck_track_asio(<target>): compiles <target> with loopcheck's Asio handler tracker
# (BOOST_ASIO_CUSTOM_HANDLER_TRACKING) and links it. Every operation the target's code starts is
# followed; one destroyed without being invoked (its io_context shut down with it pending) is a
# leaked_task, a handler leaving by exception an unobserved_exception (docs/asio-tracking.md).
#
# The setting changes the layout of every Asio operation object: everything in one program that
# instantiates Asio code must be compiled with the same setting (the One Definition Rule). Call it
# on each target of the program that includes Asio, or on none; loopcheck's own libraries that
# include Asio (runtime, sim, vfs, ...) are compiled without it, so a tracked program must not
# link code of them that instantiates Asio (the fixture and the findings it reads do not).
#
# It also force-includes detached_reporting.hpp into the target's C++ sources, so that a coroutine
# spawned with co_spawn(..., asio::detached) that ends by an exception is an unobserved_exception
# too. That header includes Asio's async_result and detached headers before the source's first
# line: an Asio configuration macro (BOOST_ASIO_NO_DEPRECATED, ...) must then be a compile
# definition of the target, not a #define in a source.
function(loopcheck_track_asio target)
  target_compile_definitions(${target} PRIVATE
    BOOST_ASIO_CUSTOM_HANDLER_TRACKING="loopcheck/asio_tracking/custom_tracking.hpp")
  target_compile_options(${target} PRIVATE
    "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include loopcheck/asio_tracking/detached_reporting.hpp>")
  target_link_libraries(${target} PRIVATE loopcheck::asio_tracking)
endfunction()
