# `run`, `replay` and `merge` write SARIF for a bug variant whose findings name a line
# (rapid-turnover's uncoalesced backups race on a file; on FIFO in every seed), and each report:
# - is valid SARIF 2.1.0 (the official schema, through the SARIF Multitool);
# - names the line the text summary names, relative to --source-root (uriBaseId SRCROOT), with
#   the finding kind as ruleId and that rule described in tool.driver.rules;
# - keeps the result's partialFingerprints from one run to the next (another seed, a replay, a
#   merge of the JSON report);
# - names a site outside --source-root by its absolute file: URI.
# The first `run` writes every report a CI job publishes from one command — SARIF, JSON, JUnit
# (checked against JUNIT_XSD here), HTML and a trace (well-formed here; their content is checked
# by reports.html_report_in_chromium and timeline_tests).
# Variables: LOOPCHECK, VALIDATOR, SCHEMA, PYTHON (sarif_validation.cmake), SOURCE_ROOT, WORKDIR,
# JUNIT_XSD.
include(${CMAKE_CURRENT_LIST_DIR}/sarif_validation.cmake)
sarif_require_validators()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")

function(expect_valid file)
  sarif_validate("${file}" errors)
  if(NOT errors STREQUAL "")
    message(FATAL_ERROR "${file} is not valid SARIF 2.1.0:\n${errors}")
  endif()
endfunction()

function(expect_equal what actual expected)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${what} is '${actual}', expected '${expected}'")
  endif()
endfunction()

set(bug rapid-turnover --variant uncoalesced-backups --strategy fifo)
loopcheck_expect(1 run ${bug} --seeds 2 --source-root "${SOURCE_ROOT}"
  --report sarif:${WORKDIR}/run.sarif --report json:${WORKDIR}/run.json --report junit:${WORKDIR}/run.xml
  --report html:${WORKDIR}/run.html --trace ${WORKDIR}/run.trace.json)
execute_process(COMMAND xmllint --noout --schema ${JUNIT_XSD} ${WORKDIR}/run.xml RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the JUnit report does not validate against ${JUNIT_XSD}:\n${err}")
endif()
execute_process(COMMAND xmllint --noout ${WORKDIR}/run.html RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the HTML report is not well-formed XHTML:\n${err}")
endif()
file(READ ${WORKDIR}/run.trace.json trace)
string(JSON trace_events LENGTH "${trace}" traceEvents)
if(trace_events LESS 2)
  message(FATAL_ERROR "the trace of the first failing run has ${trace_events} events")
endif()
if(NOT loopcheck_stdout MATCHES "file_race: task 'backup' #[0-9]+ at ([^ ]*/rapid_turnover.cpp):([0-9]+)")
  message(FATAL_ERROR "the text summary names no file_race site:\n${loopcheck_stdout}")
endif()
set(site_file "${CMAKE_MATCH_1}")
set(site_line "${CMAKE_MATCH_2}")
file(RELATIVE_PATH site_relative "${SOURCE_ROOT}" "${site_file}")

expect_valid(${WORKDIR}/run.sarif)
file(READ ${WORKDIR}/run.sarif sarif)
string(JSON version GET "${sarif}" version)
expect_equal("version" "${version}" "2.1.0")
string(JSON rule_id GET "${sarif}" runs 0 results 0 ruleId)
expect_equal("the first result's ruleId" "${rule_id}" "file_race")
string(JSON rule_index GET "${sarif}" runs 0 results 0 ruleIndex)
string(JSON described_id GET "${sarif}" runs 0 tool driver rules ${rule_index} id)
expect_equal("the id of the rule at ruleIndex" "${described_id}" "file_race")
string(JSON description GET "${sarif}" runs 0 tool driver rules ${rule_index} fullDescription text)
if(NOT description MATCHES "happens-before")
  message(FATAL_ERROR "file_race's rule description does not say what it is: '${description}'")
endif()
string(JSON location GET "${sarif}" runs 0 results 0 locations 0 physicalLocation)
string(JSON uri GET "${location}" artifactLocation uri)
string(JSON base ERROR_VARIABLE no_base GET "${location}" artifactLocation uriBaseId)
string(JSON line GET "${location}" region startLine)
expect_equal("the result's uri" "${uri}" "${site_relative}")
expect_equal("the result's uriBaseId" "${base}" "SRCROOT")
expect_equal("the result's startLine" "${line}" "${site_line}")
string(JSON root_uri GET "${sarif}" runs 0 originalUriBaseIds SRCROOT uri)
expect_equal("SRCROOT" "${root_uri}" "file://${SOURCE_ROOT}/")
string(JSON fingerprint GET "${sarif}" runs 0 results 0 partialFingerprints loopcheck/v1)

# The same finding from another seed, from a replay and from a merged JSON report: same
# location, same fingerprint.
loopcheck_expect(1 run ${bug} --seed 7 --source-root "${SOURCE_ROOT}" --report sarif:${WORKDIR}/seed7.sarif)
file(READ "${WORKDIR}/run.json" run_json)
string(JSON token GET "${run_json}" targets 0 first_failure replay_token)
loopcheck_expect(1 replay ${token} --source-root "${SOURCE_ROOT}" --report sarif:${WORKDIR}/replay.sarif)
loopcheck_expect(1 merge ${WORKDIR}/run.json --source-root "${SOURCE_ROOT}" --report sarif:${WORKDIR}/merge.sarif)
foreach(other seed7 replay merge)
  expect_valid(${WORKDIR}/${other}.sarif)
  file(READ ${WORKDIR}/${other}.sarif other_sarif)
  string(JSON other_location GET "${other_sarif}" runs 0 results 0 locations 0 physicalLocation)
  string(JSON other_uri GET "${other_location}" artifactLocation uri)
  string(JSON other_line GET "${other_location}" region startLine)
  string(JSON other_fingerprint GET "${other_sarif}" runs 0 results 0 partialFingerprints loopcheck/v1)
  expect_equal("${other}'s uri" "${other_uri}" "${uri}")
  expect_equal("${other}'s startLine" "${other_line}" "${line}")
  expect_equal("${other}'s fingerprint" "${other_fingerprint}" "${fingerprint}")
endforeach()

# A source root the site is not under: the absolute path, as a file: URI without a base.
loopcheck_expect(1 run ${bug} --seed 0 --source-root "${WORKDIR}" --report sarif:${WORKDIR}/outside.sarif)
expect_valid(${WORKDIR}/outside.sarif)
file(READ ${WORKDIR}/outside.sarif outside)
string(JSON outside_uri GET "${outside}" runs 0 results 0 locations 0 physicalLocation artifactLocation uri)
expect_equal("the uri of a site outside the root" "${outside_uri}" "file://${site_file}")
string(JSON outside_base ERROR_VARIABLE no_base GET "${outside}" runs 0 results 0 locations 0 physicalLocation
  artifactLocation uriBaseId)
if(NOT no_base)
  message(FATAL_ERROR "a site outside the source root has uriBaseId '${outside_base}'")
endif()
