# Fails unless `proviso eval` gives byte-identical output with the interpreter and the JIT.
execute_process(COMMAND ${PROVISO} eval ${POLICY} --input ${INPUT} --engine interp OUTPUT_VARIABLE interp RESULT_VARIABLE rc1)
execute_process(COMMAND ${PROVISO} eval ${POLICY} --input ${INPUT} --engine jit --no-cache OUTPUT_VARIABLE jit RESULT_VARIABLE rc2)
if(NOT rc1 EQUAL rc2 OR NOT interp STREQUAL jit)
  message(FATAL_ERROR "the engines disagree on ${INPUT} (exit ${rc1} vs ${rc2})")
endif()
