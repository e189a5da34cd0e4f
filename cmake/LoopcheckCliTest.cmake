# loopcheck_cli_test(NAME <test> [PROGRAM <target>] ARGS <arg>... EXIT <code> [STDERR <text>]
#                    [STDOUT <regex>...] [ENV <VAR=value>...] [LABELS <label>...])
# A ctest test that runs the loopcheck command (or PROGRAM, e.g. a scenario runner) with ARGS, in
# an environment with ENV added, and checks its exit code, a text its standard error must
# contain and regular expressions its standard output must match. Pass the regular expressions
# as separate arguments (a quoted list would arrive as one expression).
include(${CMAKE_CURRENT_LIST_DIR}/LoopcheckSanitizerLogs.cmake)

function(loopcheck_cli_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;PROGRAM;EXIT;STDERR" "ARGS;STDOUT;ENV;LABELS")
  if(NOT arg_PROGRAM)
    set(arg_PROGRAM loopcheck)
  endif()
  if(NOT arg_NAME OR NOT DEFINED arg_EXIT)
    message(FATAL_ERROR "loopcheck_cli_test needs NAME and EXIT")
  endif()
  # Each -D is one quoted argument: its list separators reach the script intact.
  add_test(NAME ${arg_NAME}
    COMMAND ${CMAKE_COMMAND} -D "CMD=$<TARGET_FILE:${arg_PROGRAM}>;${arg_ARGS}" -D "EXPECT_RC=${arg_EXIT}"
      -D "EXPECT_STDERR=${arg_STDERR}" -D "EXPECT_STDOUT=${arg_STDOUT}" -P ${PROJECT_SOURCE_DIR}/cmake/ExpectExit.cmake)
  set_tests_properties(${arg_NAME} PROPERTIES LABELS "${arg_LABELS}" ENVIRONMENT "${arg_ENV}")
  loopcheck_sanitizer_logs_for_directory()
endfunction()
