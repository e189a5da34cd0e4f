# Runs PROGRAM (tests/runtime/invariant_abort.cpp), which breaks a LOOPCHECK_INVARIANT, and
# checks that it aborted with the invariant's file, line and condition, in a build whose plain
# assert is as EXPECT_ASSERT says ("compiled out" under NDEBUG, else "checked").
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "Subprocess aborted")
  message(FATAL_ERROR "exit '${rc}', expected an abort\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out STREQUAL "assert: ${EXPECT_ASSERT}\n")
  message(FATAL_ERROR "the program says '${out}', CMake expected 'assert: ${EXPECT_ASSERT}'")
endif()
set(expected "^loopcheck: invariant failed at [^\n]*/invariant_abort\\.cpp:[0-9]+ in main: arguments > 0 && \"at least one argument\"\n$")
if(NOT err MATCHES "${expected}")
  message(FATAL_ERROR "stderr does not match '${expected}'\nstderr: ${err}")
endif()
