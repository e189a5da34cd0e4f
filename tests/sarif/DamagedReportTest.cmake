# The validators are not rubber stamps: a loopcheck SARIF report they accept is rejected, naming
# the damage, once damaged in ways SARIF forbids: a result without its message and with a level
# SARIF does not define (the schema check: jsonschema), a driver without its name (the
# Multitool too). Variables: LOOPCHECK, VALIDATOR, SCHEMA, PYTHON, SOURCE_ROOT, WORKDIR.
include(${CMAKE_CURRENT_LIST_DIR}/sarif_validation.cmake)
sarif_require_validators()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
loopcheck_expect(1 run rapid-turnover --variant uncoalesced-backups --strategy fifo --seed 0
  --source-root "${SOURCE_ROOT}" --report sarif:${WORKDIR}/good.sarif)
sarif_validate(${WORKDIR}/good.sarif errors)
if(NOT errors STREQUAL "")
  message(FATAL_ERROR "the undamaged report is already invalid:\n${errors}")
endif()
file(READ ${WORKDIR}/good.sarif sarif)

function(expect_rejected name damaged)
  file(WRITE ${WORKDIR}/${name}.sarif "${damaged}")
  sarif_validate(${WORKDIR}/${name}.sarif errors)
  foreach(expected IN LISTS ARGN)
    string(FIND "${errors}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name}: the validators did not say '${expected}'; they said:\n${errors}")
    endif()
  endforeach()
endfunction()

string(JSON damaged REMOVE "${sarif}" runs 0 results 0 message)
string(JSON damaged SET "${damaged}" runs 0 results 0 level "\"fatal\"")
expect_rejected(no_message_bad_level "${damaged}" "schema: " "'message' is a required property"
  "'fatal' is not one of")
string(JSON damaged REMOVE "${sarif}" runs 0 tool driver name)
expect_rejected(nameless_driver "${damaged}" "'name' is a required property" "JSON1002: ")
