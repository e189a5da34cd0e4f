# Runs the tracking demo suite (DEMO) and checks that it fails, that every bad_* case fails with
# the finding it should name at SITE_FILE (plain_asio_cases.hpp; tracking_demo.cpp unoptimized,
# where libbacktrace resolves no frame of an inline function), and that no good_* case fails.
execute_process(COMMAND ${DEMO} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the demo suite passed; its bad cases must fail\n${all}")
endif()
set(expected
  "bad_pending_coroutine\": loopcheck leaked_task: task 'deadline_timer.async_wait' #[0-9]+ at [^ ]*${SITE_FILE}:[0-9]+"
  "bad_throwing_handler\": loopcheck unobserved_exception: task 'io_context.execute' #[0-9]+ at [^ ]*${SITE_FILE}:[0-9]+"
  "bad_never_run\": loopcheck leaked_task: task 'io_context.execute' #[0-9]+ at [^ ]*${SITE_FILE}:[0-9]+"
  "bad_lost_detached_exception\": loopcheck unobserved_exception: task 'co_spawn' at [^ ]*${SITE_FILE}:[0-9]+")
foreach(pattern IN LISTS expected)
  if(NOT all MATCHES "${pattern}")
    message(FATAL_ERROR "no failure matching '${pattern}'\n${all}")
  endif()
endforeach()
if(all MATCHES "error: in \"good_")
  message(FATAL_ERROR "a good case failed\n${all}")
endif()
string(REGEX MATCHALL "error: in \"[^\"]*\": loopcheck" failures "${all}")
list(LENGTH failures count)
if(NOT count EQUAL 4)
  message(FATAL_ERROR "${count} findings failed cases, expected 4 (one per bad case)\n${all}")
endif()
