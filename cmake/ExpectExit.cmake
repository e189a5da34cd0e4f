# Runs CMD (a list) and checks that its exit code is EXPECT_RC, that its standard error
# contains EXPECT_STDERR (unless empty) and that its standard output matches every regular
# expression in EXPECT_STDOUT (a list, possibly empty). Registered by loopcheck_cli_test().
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_RC}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT EXPECT_STDERR STREQUAL "")
  string(FIND "${err}" "${EXPECT_STDERR}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "stderr lacks '${EXPECT_STDERR}'\nstderr: ${err}")
  endif()
endif()
foreach(expected IN LISTS EXPECT_STDOUT)
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "stdout does not match '${expected}'\nstdout: ${out}\nstderr: ${err}")
  endif()
endforeach()
