# Registers every Boost.Test case of a test executable as its own ctest test, so that
# `ctest -R name` runs one case. Discovery runs after each build (like gtest_discover_tests):
# the executable lists its content and a ctest include file is regenerated from it.
#
#   loopcheck_add_boost_tests(TARGET LABELS unit ...)
#
# A case's ctest name is <target>.<suite>/<case>; its labels are the target's LABELS plus the
# case's own Boost.Test labels and its suites' (`* boost::unit_test::label("slow")`).
include(${CMAKE_CURRENT_LIST_DIR}/LoopcheckSanitizerLogs.cmake)

function(loopcheck_add_boost_tests target)
  cmake_parse_arguments(arg "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake")
  # The script sits next to this file, in the source tree or an installed package.
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}"
      -D "EXE=$<TARGET_FILE:${target}>"
      -D "PREFIX=${target}"
      -D "OUT=${ctest_file}"
      -D "LABELS=${arg_LABELS}"
      -D "TIMEOUT=${arg_TIMEOUT}"
      -D "WORKDIR=${CMAKE_CURRENT_BINARY_DIR}"
      -D "SANITIZER_LOG_DIR=${LOOPCHECK_SANITIZER_LOG_DIR}"
      -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/BoostTestDiscoverScript.cmake"
    BYPRODUCTS "${ctest_file}"
    VERBATIM)
  # A target that was not built yet shows up as one failing test, never as silence.
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS \"${ctest_file}\")\n"
    "  include(\"${ctest_file}\")\n"
    "else()\n"
    "  add_test(${target}.NOT_BUILT \"${CMAKE_COMMAND}\" -E echo \"${target} was not built\")\n"
    "  set_tests_properties(${target}.NOT_BUILT PROPERTIES WILL_FAIL TRUE)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
  loopcheck_sanitizer_logs_for_directory()
endfunction()
