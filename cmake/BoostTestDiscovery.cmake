# Registers every Boost.Test case of a test executable as its own ctest test, so that
# `ctest -R name` runs one case. Discovery runs after each build (like gtest_discover_tests):
# the executable lists its content and a ctest include file is regenerated from it.
#
#   loopcheck_add_boost_tests(TARGET LABELS unit ...)
#
# A case's ctest name is <target>.<suite>/<case>; its labels are the target's LABELS plus the
# case's own Boost.Test labels (`* boost::unit_test::label("slow")`).
set(_LOOPCHECK_DISCOVER_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/BoostTestDiscoverScript.cmake")

function(loopcheck_add_boost_tests target)
  cmake_parse_arguments(arg "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}"
      -D "EXE=$<TARGET_FILE:${target}>"
      -D "PREFIX=${target}"
      -D "OUT=${ctest_file}"
      -D "LABELS=${arg_LABELS}"
      -D "TIMEOUT=${arg_TIMEOUT}"
      -D "WORKDIR=${CMAKE_CURRENT_BINARY_DIR}"
      -P "${_LOOPCHECK_DISCOVER_SCRIPT}"
    BYPRODUCTS "${ctest_file}"
    VERBATIM)
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${ctest_file}")
endfunction()
