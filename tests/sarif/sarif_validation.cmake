# Helpers for the tests that check SARIF reports (included by their -P scripts). They read:
# VALIDATOR, Microsoft's SARIF Multitool; SCHEMA, the SARIF 2.1.0 JSON schema shipped in its
# package (sarif-2.1.0.json); PYTHON, a Python with Debian's python3-jsonschema.
#
# Two checks, because neither is enough alone: the Multitool's `validate` applies the SARIF
# rules (SARIF1xxx/2xxx) but, in 5.7.0, reports no schema error at all for some broken files
# (a result without a message and with an undefined level, when the driver has a name);
# jsonschema checks the schema itself.

# Ends the calling script as a skipped test (ctest: SKIP_REGULAR_EXPRESSION) when a validator is
# missing. A macro, so that its return() leaves the script.
macro(sarif_require_validators)
  execute_process(COMMAND "${PYTHON}" -c "import jsonschema" RESULT_VARIABLE sarif_no_jsonschema OUTPUT_QUIET ERROR_QUIET)
  if(NOT EXISTS "${VALIDATOR}" OR NOT EXISTS "${SCHEMA}")
    message("loopcheck-test-skipped: the SARIF Multitool is not installed at ${VALIDATOR}; scripts/install-deps installs it")
    return()
  elseif(sarif_no_jsonschema)
    message("loopcheck-test-skipped: ${PYTHON} has no jsonschema module (Debian: python3-jsonschema); scripts/install-deps installs it")
    return()
  endif()
endmacro()

# sarif_validate(FILE ERRORS_VAR): sets ERRORS_VAR to what is wrong with FILE, one line per
# problem ("schema: ..." from jsonschema, "RULE: ..." for the Multitool's error-level results),
# or to an empty string when it is valid. The Multitool exits 0 whatever it finds, so its own
# SARIF output is what is read.
function(sarif_validate file errors_var)
  set(errors "")
  execute_process(COMMAND "${PYTHON}" -m jsonschema -i "${file}" "${SCHEMA}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(APPEND errors "schema: ${out}${err}")
  endif()
  set(verdict "${file}.validation.sarif")
  file(REMOVE "${verdict}")
  execute_process(COMMAND "${VALIDATOR}" validate "${file}" --output "${verdict}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${verdict}")
    message(FATAL_ERROR "the SARIF Multitool failed on ${file} (exit ${rc})\n${out}\n${err}")
  endif()
  file(READ "${verdict}" verdict_text)
  string(JSON count LENGTH "${verdict_text}" runs 0 results)
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON level ERROR_VARIABLE no_level GET "${verdict_text}" runs 0 results ${i} level)
      if(NOT no_level AND level STREQUAL "error")
        string(JSON rule GET "${verdict_text}" runs 0 results ${i} ruleId)
        string(JSON text ERROR_VARIABLE no_text GET "${verdict_text}" runs 0 results ${i} message text)
        string(APPEND errors "${rule}: ${text}\n")
      endif()
    endforeach()
  endif()
  set(${errors_var} "${errors}" PARENT_SCOPE)
endfunction()

# loopcheck_expect(EXIT ARGS...): runs loopcheck and fails unless it exits EXIT; its standard
# output is left in loopcheck_stdout.
function(loopcheck_expect expected_rc)
  execute_process(COMMAND "${LOOPCHECK}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "loopcheck ${ARGN} exited ${rc}, expected ${expected_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(loopcheck_stdout "${out}" PARENT_SCOPE)
endfunction()
