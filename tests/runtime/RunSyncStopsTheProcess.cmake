# A run_sync whose task ignores its cancellation past the grace stops the process (abort), saying
# why; it must neither return nor throw run_sync_timeout.
execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
string(APPEND out "${err}")
set(expected "loopcheck: run_sync at [^ ]*run_sync_stops_the_process.cpp:[0-9]+: its task missed the 10 ms deadline and then ignored its cancellation for 5000 ms")
if(rc EQUAL 0 OR NOT out MATCHES "${expected}")
  message(FATAL_ERROR "expected the process to stop with\n  ${expected}\nexit ${rc}:\n${out}")
endif()
