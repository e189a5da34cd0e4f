# Runs CMD (a list) and checks its exit code is EXPECT_RC and its standard output matches every
# regular expression in EXPECT_STDOUT (a list).
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_RC}\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(expected IN LISTS EXPECT_STDOUT)
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "stdout does not match '${expected}'\nstdout: ${out}\nstderr: ${err}")
  endif()
endforeach()
