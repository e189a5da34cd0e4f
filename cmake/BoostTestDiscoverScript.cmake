cmake_policy(SET CMP0057 NEW)  # IN_LIST
include(${CMAKE_CURRENT_LIST_DIR}/LoopcheckSanitizerLogs.cmake)
# Run by loopcheck_add_boost_tests after a build: turns `EXE --list_content=DOT` into add_test lines.
execute_process(COMMAND "${EXE}" --list_content=DOT
  OUTPUT_VARIABLE out ERROR_VARIABLE dot RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "test discovery: ${EXE} --list_content failed (${rc})")
endif()
# Boost.Test writes the listing to stderr; keep stdout too in case a version changes that.
string(APPEND dot "${out}")
string(REPLACE ";" "\\;" dot "${dot}")
string(REPLACE "\n" ";" lines "${dot}")

set(ids "")
set(parents "")
foreach(line IN LISTS lines)
  if(line MATCHES "^(tu[0-9]+)\\[.*label=\"([^\"|]+)(\\|[^\"|]*)?(\\|labels: ([^\"]*))?\"\\]")
    set(id "${CMAKE_MATCH_1}")
    list(APPEND ids "${id}")
    set(name_${id} "${CMAKE_MATCH_2}")
    string(REGEX REPLACE "@" "" case_labels "${CMAKE_MATCH_5}")
    string(STRIP "${case_labels}" case_labels)
    string(REPLACE " " ";" case_labels "${case_labels}")
    set(labels_${id} "${case_labels}")
  elseif(line MATCHES "^(tu[0-9]+) -> (tu[0-9]+);")
    set(parent_${CMAKE_MATCH_2} "${CMAKE_MATCH_1}")
    list(APPEND parents "${CMAKE_MATCH_1}")
  endif()
endforeach()

set(content "")
set(count 0)
foreach(id IN LISTS ids)
  if(NOT DEFINED parent_${id} OR "${id}" IN_LIST parents)
    continue()  # the master suite, or a suite: only leaves are test cases
  endif()
  set(path "${name_${id}}")
  set(all_labels ${LABELS} ${labels_${id}})
  set(p "${parent_${id}}")
  while(DEFINED parent_${p})  # up to the master suite: a suite's labels are its cases' too
    set(path "${name_${p}}/${path}")
    list(APPEND all_labels ${labels_${p}})
    set(p "${parent_${p}}")
  endwhile()
  list(REMOVE_DUPLICATES all_labels)
  loopcheck_sanitizer_log_property(environment "${SANITIZER_LOG_DIR}" "${PREFIX}.${path}")
  # A case that cannot run here says so (tests/support/skip_test.hpp); ctest shows it Skipped.
  string(APPEND content
    "add_test([=[${PREFIX}.${path}]=] [==[${EXE}]==] [==[--run_test=${path}]==] --log_level=warning --report_level=short)\n"
    "set_tests_properties([=[${PREFIX}.${path}]=] PROPERTIES LABELS [==[${all_labels}]==] TIMEOUT ${TIMEOUT} WORKING_DIRECTORY [==[${WORKDIR}]==] SKIP_REGULAR_EXPRESSION [==[loopcheck-test-skipped: ]==]${environment})\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "test discovery: ${EXE} lists no test cases")
endif()
file(WRITE "${OUT}" "${content}")
