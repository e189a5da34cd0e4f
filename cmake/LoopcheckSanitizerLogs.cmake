# Per-test sanitizer logs. With LOOPCHECK_SANITIZER_LOG_DIR set (a cache variable; empty, the
# default, turns this off), the sanitizers of every test (AddressSanitizer, LeakSanitizer,
# UBSan, ThreadSanitizer) write their reports to `<dir>/<test name>.<pid>` instead of the test's
# standard error. After the suite ran, `loopcheck sanitizer-report <dir>` gives one
# deduplicated report naming the test each report came from (docs/ci.md). log_path is appended
# to whatever option strings the test preset sets (ENVIRONMENT_MODIFICATION string_append), so
# halt_on_error, suppressions and the rest stay in force; a later log_path wins, so a test that
# sets its own (harness/isolated_run.hpp) keeps it.

# The log_path of a test: <dir>/<test name>, with the characters a file name or a sanitizer
# option string cannot hold ('/', ':', spaces) made '~'.
function(loopcheck_sanitizer_log_path out dir test_name)
  string(REGEX REPLACE "[/: \t]" "~" file_name "${test_name}")
  set(${out} "${dir}/${file_name}" PARENT_SCOPE)
endfunction()

# The ENVIRONMENT_MODIFICATION entries that give one test its own log_path.
function(loopcheck_sanitizer_log_environment out dir test_name)
  loopcheck_sanitizer_log_path(path "${dir}" "${test_name}")
  set(entries "")
  foreach(variable ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS)
    list(APPEND entries "${variable}=string_append::log_path=${path}")
  endforeach()
  set(${out} "${entries}" PARENT_SCOPE)
endfunction()

# For the discovery scripts, which write set_tests_properties lines: the property that gives one
# test its own log_path (" ENVIRONMENT_MODIFICATION [==[...]==]"), or "" when DIR is empty.
function(loopcheck_sanitizer_log_property out dir test_name)
  set(property "")
  if(dir)
    loopcheck_sanitizer_log_environment(entries "${dir}" "${test_name}")
    set(property " ENVIRONMENT_MODIFICATION [==[${entries}]==]")
  endif()
  set(${out} "${property}" PARENT_SCOPE)
endfunction()

# Gives every test added in the calling directory, before or after this call, its own log_path:
# deferred to the end of the directory, once per directory. A no-op unless
# LOOPCHECK_SANITIZER_LOG_DIR is set. Tests registered when the suite runs (Boost.Test cases,
# scenario variants) get theirs from their discovery scripts.
function(loopcheck_sanitizer_logs_for_directory)
  get_property(scheduled DIRECTORY PROPERTY LOOPCHECK_SANITIZER_LOGS_SCHEDULED)
  if(NOT LOOPCHECK_SANITIZER_LOG_DIR OR scheduled)
    return()
  endif()
  set_property(DIRECTORY PROPERTY LOOPCHECK_SANITIZER_LOGS_SCHEDULED TRUE)
  cmake_language(DEFER CALL _loopcheck_sanitizer_logs_apply)
endfunction()

function(_loopcheck_sanitizer_logs_apply)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(test IN LISTS tests)
    loopcheck_sanitizer_log_environment(entries "${LOOPCHECK_SANITIZER_LOG_DIR}" "${test}")
    set_property(TEST "${test}" APPEND PROPERTY ENVIRONMENT_MODIFICATION "${entries}")
  endforeach()
endfunction()
