# Damaged logs are counted, never a crash: a real report cut before its SUMMARY, a header with
# nothing after it, garbage lines and an overlong line (past the reader's 4096 bytes), an empty
# log. Checks the counts `sanitizer-report` prints and its exit codes: 1 while a (truncated)
# report is there, 0 for garbage alone.
include(${CMAKE_CURRENT_LIST_DIR}/planted_bugs.cmake)
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY ${WORKDIR}/real)
run_planted(heap_use_after_free "real" ${WORKDIR}/real)
file(GLOB real_log ${WORKDIR}/real/real.*)
file(READ "${real_log}" real)
string(FIND "${real}" "SUMMARY: " summary_at)
if(summary_at LESS 100)
  message(FATAL_ERROR "the real report has no SUMMARY line to cut before:\n${real}")
endif()
math(EXPR cut "${summary_at} / 2")
string(SUBSTRING "${real}" 0 ${cut} cut_report)
file(WRITE ${WORKDIR}/cut.1 "${cut_report}")
file(WRITE ${WORKDIR}/header_only.2 "=================================================================\n==2==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n")

string(REPEAT "x" 10000 overlong)
string(RANDOM LENGTH 200 ALPHABET "abc:#0123456789 ()+-_./|" noise)
file(WRITE ${WORKDIR}/garbage.3 "hello\n${noise}\n#0 not a frame\nSUMMARY: without a report\n${overlong}\n=== not a separator\n")
file(WRITE ${WORKDIR}/empty.4 "")

loopcheck_expect(1 sanitizer-report ${WORKDIR}/cut.1 ${WORKDIR}/header_only.2 ${WORKDIR}/garbage.3 ${WORKDIR}/empty.4
  --report json:${WORKDIR}/damaged.json)
foreach(expected "4 log.s., [0-9]+ lines: 2 report.s., 2 distinct" "\n6 lines not understood, skipped"
                 "\n2 reports truncated .no SUMMARY line., kept" "truncated report: AddressSanitizer: heap-use-after-free"
                 "truncated report: AddressSanitizer: SEGV")
  if(NOT loopcheck_stdout MATCHES "${expected}")
    message(FATAL_ERROR "the summary does not match '${expected}':\n${loopcheck_stdout}")
  endif()
endforeach()
loopcheck_expect(0 sanitizer-report ${WORKDIR}/garbage.3 ${WORKDIR}/empty.4)
if(NOT loopcheck_stdout MATCHES "0 report.s., 0 distinct\n6 lines not understood")
  message(FATAL_ERROR "garbage alone: expected no report and 6 lines not understood:\n${loopcheck_stdout}")
endif()
