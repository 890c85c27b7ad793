# `proviso bench --json`: the keys its last line promises, with values that hold together. The
# JIT compiles cold in two tiers: compile_ms (until the policy evaluates) is positive and no
# larger than optimised_compile_ms (until the optimised code is in use); with --no-cache there
# is no cache load to time. The interpreter has no optimised code.
foreach(engine jit interp)
  execute_process(COMMAND ${PROVISO} bench ${POLICY} --input ${INPUT} --engine ${engine} --no-cache --repeat 1 --json
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${engine}: exit ${rc}: ${err}")
  endif()
  string(REGEX REPLACE "\n$" "" out "${out}")
  string(REGEX REPLACE "^.*\n" "" line "${out}")
  foreach(key engine evals ns_per_eval_median decode_ns_per_eval ns_per_eval_with_decode compile_ms peak_rss_kb
              decode_errors eval_errors)
    string(JSON value ERROR_VARIABLE missing GET "${line}" ${key})
    if(missing)
      message(FATAL_ERROR "${engine}: no `${key}` in `${line}`")
    endif()
  endforeach()
  string(JSON name GET "${line}" engine)
  string(JSON compile GET "${line}" compile_ms)
  string(JSON cache_load TYPE "${line}" cache_load_ms)
  string(JSON failed GET "${line}" eval_errors)
  string(JSON optimised ERROR_VARIABLE no_optimised GET "${line}" optimised_compile_ms)
  if(NOT name STREQUAL engine OR NOT cache_load STREQUAL "NULL" OR NOT failed EQUAL 0 OR NOT compile GREATER 0)
    message(FATAL_ERROR "${engine}: `${line}`")
  endif()
  if(engine STREQUAL jit AND (no_optimised OR optimised LESS compile))
    message(FATAL_ERROR "jit: optimised_compile_ms missing or below compile_ms: `${line}`")
  endif()
  if(engine STREQUAL interp AND NOT no_optimised)
    message(FATAL_ERROR "interp: optimised_compile_ms given: `${line}`")
  endif()
endforeach()
