# `proviso test --engine`: interp runs no JIT; jit and both (the default) compile the policy,
# quick tier and optimised code (PROVISO_JIT_TIMING reports them on stderr; a fresh cache
# directory forces a compile); a
# failing expectation is reported once, the same way, whatever the engines.
set(dir ${WORK}/test_engines)
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir})
set(ENV{PROVISO_JIT_TIMING} 1)
set(ENV{XDG_CACHE_HOME} ${dir}/cache)
file(WRITE ${dir}/t.policy "policy t.p \"T\"
input x {
  a: integer 0..10
  c: bool
}
let reasons: list of text = collect { \"low\" when x.a < 3, \"off\" when not x.c }
decision first_reason: text? = first(reasons)
decision fine: bool = is_empty(reasons)
test \"low and off\"
  given x = { a: 1, c: false }
  expect first_reason = \"low\"
  expect fine = false
test \"wrong on purpose\"
  given x = { a: 5, c: true }
  expect fine = false
")
set(failure "t.policy:13:6: test \"wrong on purpose\" failed\n  fine: expected false, got true\n1 passed, 1 failed\n")
foreach(engine interp jit both)
  if(engine STREQUAL both)
    set(args test ${dir}/t.policy)  # the default
  else()
    set(args test --engine ${engine} ${dir}/t.policy)
  endif()
  execute_process(COMMAND ${PROVISO} ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  string(REPLACE "${dir}/" "" out "${out}")
  if(NOT rc EQUAL 1 OR NOT out STREQUAL failure)
    message(FATAL_ERROR "--engine ${engine}: exit ${rc}, output `${out}`, stderr `${err}`")
  endif()
  if(engine STREQUAL interp AND err MATCHES "proviso-jit:")
    message(FATAL_ERROR "--engine interp compiled the policy: `${err}`")
  endif()
  if(NOT engine STREQUAL interp AND NOT err MATCHES "proviso-jit: compile total \\(main\\)")
    message(FATAL_ERROR "--engine ${engine} did not compile the policy: `${err}`")
  endif()
  # The command compiles in two tiers (EngineOptions::tiered): quick code first, then the
  # optimised code, which is the one cached.
  if(NOT engine STREQUAL interp AND NOT err MATCHES "proviso-jit: compile total \\(main, quick tier\\)")
    message(FATAL_ERROR "--engine ${engine} did not compile a quick tier first: `${err}`")
  endif()
  file(REMOVE_RECURSE ${dir}/cache)
endforeach()

# Without --engine, a policy whose estimated compile time is over a second is tested by the
# interpreter alone, with a note; --engine both compiles it.
set(big "policy big.p \"Big\"\ninput x {\n  a: integer\n}\n")
foreach(i RANGE 0 1199)
  string(APPEND big "decision d${i}: integer = x.a + ${i}\n")
endforeach()
string(APPEND big "test \"d\"\n  given x = { a: 1 }\n  expect d1199 = 1200\n")
file(WRITE ${dir}/big.policy "${big}")
unset(ENV{PROVISO_JIT_TIMING})
execute_process(COMMAND ${PROVISO} test ${dir}/big.policy OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(note "^proviso: note: ${dir}/big.policy: its tests ran on the interpreter: compiling this policy would take about [0-9.]+ s \\(estimated\\); `--engine both` compiles it once and caches it\n$")
if(NOT rc EQUAL 0 OR NOT out STREQUAL "1 passed, 0 failed\n" OR NOT err MATCHES "${note}")
  message(FATAL_ERROR "big policy: exit ${rc}, output `${out}`, stderr `${err}`")
endif()
set(ENV{PROVISO_JIT_TIMING} 1)
