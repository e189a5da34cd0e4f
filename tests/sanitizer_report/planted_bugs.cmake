# Helpers for the sanitizer-report tests (included by their -P scripts). Needs PROGRAM_DIR,
# SOURCE_DIR and SOURCE_ROOT.
include(${SOURCE_ROOT}/cmake/LoopcheckSanitizerLogs.cmake)
include(${SOURCE_ROOT}/tests/sarif/sarif_validation.cmake)

# run_planted(NAME TEST_NAME LOG_DIR): runs planted_NAME with its sanitizer logging to
# LOG_DIR as the suite's helper makes a test named TEST_NAME log (<dir>/<test name>.<pid>);
# fails unless a log was written. The options are set whole: the preset's (halt_on_error,
# abort_on_error) do not apply to a program that must go on or die as its sanitizer decides.
function(run_planted name test_name log_dir)
  loopcheck_sanitizer_log_path(log "${log_dir}" "${test_name}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env
      "ASAN_OPTIONS=detect_leaks=1:log_path=${log}" "LSAN_OPTIONS=" "TSAN_OPTIONS=log_path=${log}"
      "UBSAN_OPTIONS=print_stacktrace=1:log_path=${log}" ${PROGRAM_DIR}/planted_${name}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  file(GLOB written "${log}.*")
  if(NOT written)
    message(FATAL_ERROR "planted_${name} (exit ${rc}) wrote no sanitizer log at ${log}.<pid>\n${err}")
  endif()
endfunction()

# planted_line(NAME OUT): the number of the line of NAME.cpp marked "// planted:".
function(planted_line name out)
  file(STRINGS ${SOURCE_DIR}/${name}.cpp lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(line MATCHES "// planted:")
      set(${out} ${number} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "${name}.cpp has no '// planted:' line")
endfunction()
