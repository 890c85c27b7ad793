# `proviso eval` without --engine: the JIT, silently, for an ordinary policy; the interpreter,
# with a note on stderr, for a policy whose estimated compile time is over a second, unless its
# compiled code is in the cache: `--engine jit` compiles it (saying so) and caches it, and the
# default engine then loads it silently.
set(dir ${WORK}/default_engine)
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir})
set(ENV{XDG_CACHE_HOME} ${dir}/cache)
file(WRITE ${dir}/input.json "{\"x\": {\"a\": 1}}\n")
set(small "policy small.p \"Small\"\ninput x {\n  a: integer\n}\ndecision d: integer = x.a + 1\n")
file(WRITE ${dir}/small.policy "${small}")
execute_process(COMMAND ${PROVISO} eval ${dir}/small.policy --input ${dir}/input.json --no-cache
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "{\"decisions\":{\"d\":2}}\n" OR NOT err STREQUAL "")
  message(FATAL_ERROR "small policy: exit ${rc}, output `${out}`, stderr `${err}`")
endif()

set(big "policy big.p \"Big\"\ninput x {\n  a: integer\n}\n")
foreach(i RANGE 0 1199)
  string(APPEND big "decision d${i}: integer = x.a + ${i}\n")
endforeach()

file(WRITE ${dir}/big.policy "${big}")
set(expected "\"d1198\":1199,\"d1199\":1200}}\n$")

execute_process(COMMAND ${PROVISO} eval ${dir}/big.policy --input ${dir}/input.json
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(note "^proviso: note: evaluating with the interpreter: compiling this policy would take about [0-9.]+ s \\(estimated\\); `--engine jit` compiles it once and caches it\n$")
if(NOT rc EQUAL 0 OR NOT out MATCHES "${expected}" OR NOT err MATCHES "${note}")
  message(FATAL_ERROR "big policy, default engine: exit ${rc}, output `${out}`, stderr `${err}`")
endif()

execute_process(COMMAND ${PROVISO} eval ${dir}/big.policy --input ${dir}/input.json --engine jit --verbose
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(note "^proviso: note: compiling a large policy to native code: about [0-9.]+ s \\(estimated\\); the object cache keeps it for the next run\nproviso: cache: compiled; wrote `[^`]+`\n$")
if(NOT rc EQUAL 0 OR NOT out MATCHES "${expected}" OR NOT err MATCHES "${note}")
  message(FATAL_ERROR "big policy, --engine jit: exit ${rc}, output `${out}`, stderr `${err}`")
endif()

execute_process(COMMAND ${PROVISO} eval ${dir}/big.policy --input ${dir}/input.json --verbose
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "${expected}" OR NOT err MATCHES "^proviso: cache: loaded `[^`]+`\n$")
  message(FATAL_ERROR "big policy, cached: exit ${rc}, output `${out}`, stderr `${err}`")
endif()
