# Run one libFuzzer target for SECONDS over a fresh copy of its seed corpus:
#   cmake -DFUZZER=<exe> -DSEEDS=<dir> -DWORK=<dir> -DSECONDS=<n> -P run-fuzzer.cmake
# Fails on any crash, leak, timeout or sanitizer report (libFuzzer exits
# non-zero: -error_exitcode=1), and prints executions and coverage.
foreach(v FUZZER SEEDS WORK SECONDS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run-fuzzer.cmake: ${v} not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${SEEDS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK}/corpus)
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -error_exitcode=1 -timeout=10
          -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
file(WRITE ${WORK}/log.txt "${out}")
# The figures: executions from the final stats, coverage from the last status line.
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" execs "${out}")
string(REGEX MATCHALL "cov: [0-9]+ ft: [0-9]+" covs "${out}")
list(LENGTH covs n)
set(cov "cov: ?")
if(n GREATER 0)
  list(GET covs -1 cov)
endif()
get_filename_component(name ${FUZZER} NAME)
message("${name}: ${execs} ${cov} (${SECONDS} s; log ${WORK}/log.txt)")
if(NOT rc EQUAL 0)
  string(LENGTH "${out}" len)
  if(len GREATER 12000)
    math(EXPR start "${len} - 12000")
    string(SUBSTRING "${out}" ${start} -1 out)
  endif()
  message("${out}")
  file(GLOB crashes ${WORK}/artifacts/*)
  message(FATAL_ERROR "${name} failed (exit ${rc}); inputs kept: ${crashes}")
endif()
