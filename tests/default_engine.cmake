# `proviso eval` without --engine: the JIT, silently, for an ordinary policy; the interpreter,
# with a note on stderr, for a policy of more than 1,000 lets and decisions.
set(dir ${WORK}/default_engine)
file(MAKE_DIRECTORY ${dir})
file(WRITE ${dir}/input.json "{\"x\": {\"a\": 1}}\n")
set(small "policy small.p \"Small\"\ninput x {\n  a: integer\n}\ndecision d: integer = x.a + 1\n")
file(WRITE ${dir}/small.policy "${small}")
execute_process(COMMAND ${PROVISO} eval ${dir}/small.policy --input ${dir}/input.json --no-cache
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "{\"decisions\":{\"d\":2}}\n" OR NOT err STREQUAL "")
  message(FATAL_ERROR "small policy: exit ${rc}, output `${out}`, stderr `${err}`")
endif()
set(big "policy big.p \"Big\"\ninput x {\n  a: integer\n}\nlet l0: integer = x.a\n")
foreach(i RANGE 1 1000)
  math(EXPR prev "${i} - 1")
  string(APPEND big "let l${i}: integer = l${prev} + 1\n")
endforeach()
string(APPEND big "decision d: integer = l1000\n")
file(WRITE ${dir}/big.policy "${big}")
execute_process(COMMAND ${PROVISO} eval ${dir}/big.policy --input ${dir}/input.json
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(note "proviso: note: 1002 lets and decisions (more than 1000): evaluating with the interpreter; --engine jit compiles them\n")
if(NOT err STREQUAL note)
  message(FATAL_ERROR "big policy: stderr `${err}`, expected `${note}`")
endif()
# 1,000 chained lets nest past the interpreter's depth limit: the interpreter's own error.
if(NOT rc EQUAL 1 OR NOT out MATCHES "the evaluation nests too deeply")
  message(FATAL_ERROR "big policy: exit ${rc}, output `${out}`")
endif()
