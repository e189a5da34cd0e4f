# Replays a campaign's failures in fresh processes. `loopcheck replay` checks determinism only
# inside its own process, where addresses, the heap's layout and static state repeat from one run
# to the next; here each replay is a process of its own (a new address-space layout), so a run
# that depends on any of them prints another event hash or other findings.
#
# Runs `loopcheck run FAMILY --variant VARIANT --seeds 2` with a JSON report (it must fail), then
# replays its first failure's token and its minimal failure's token twice each, and checks that
# both replays of a token print the same text (findings, event hash, steps), and that the
# findings are the campaign's, in its order.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND "${LOOPCHECK}" run ${FAMILY} --variant ${VARIANT} --seeds 2 --report json:${WORKDIR}/run.json
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "run exited ${rc}, expected 1 (the bug variant has findings)\n${err}")
endif()
file(READ "${WORKDIR}/run.json" report)

foreach(failure first_failure minimal_failure)
  string(JSON token GET "${report}" targets 0 ${failure} replay_token)
  foreach(attempt 1 2)
    execute_process(COMMAND "${LOOPCHECK}" replay "${token}" RESULT_VARIABLE rc OUTPUT_VARIABLE replay_${attempt}
      ERROR_VARIABLE err)
    if(NOT rc EQUAL 1)
      message(FATAL_ERROR "replay ${attempt} of ${token} exited ${rc}, expected 1\n${replay_${attempt}}\n${err}")
    endif()
  endforeach()
  if(NOT replay_1 STREQUAL replay_2)
    message(FATAL_ERROR "two processes replaying ${token} print different runs:\n${replay_1}\n---\n${replay_2}")
  endif()
  string(JSON finding_count LENGTH "${report}" targets 0 ${failure} findings)
  if(NOT replay_1 MATCHES "^replay [^\n]*: ${finding_count} finding\\(s\\), event hash [0-9a-f]+, [0-9]+ steps\n")
    message(FATAL_ERROR "the replay of ${token} does not report the campaign's ${finding_count} findings:\n${replay_1}")
  endif()
  # Each finding's kind and message, in the campaign's order.
  set(rest "${replay_1}")
  math(EXPR last "${finding_count} - 1")
  foreach(i RANGE ${last})
    string(JSON kind GET "${report}" targets 0 ${failure} findings ${i} kind)
    string(JSON text GET "${report}" targets 0 ${failure} findings ${i} message)
    string(FIND "${rest}" "\n  ${kind}: " kind_at)
    string(FIND "${rest}" "): ${text}\n" text_at)
    if(kind_at EQUAL -1 OR text_at EQUAL -1 OR text_at LESS kind_at)
      message(FATAL_ERROR "the replay of ${token} lacks the campaign's finding ${i} (${kind}: ${text}) here:\n${rest}")
    endif()
    string(SUBSTRING "${rest}" ${text_at} -1 rest)
  endforeach()
endforeach()
