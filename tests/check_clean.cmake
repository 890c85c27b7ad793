# Fails unless `proviso check` accepts every file with no diagnostic at all.
execute_process(COMMAND ${PROVISO} check ${FILES} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT "${out}${err}" STREQUAL "")
  message(FATAL_ERROR "proviso check reported (exit ${rc}):\n${out}${err}")
endif()
