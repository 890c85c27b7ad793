# Golden-file tests: tests/golden/{diagnostics,fmt,explain,errors,ir}, run through the `proviso` binary by
# proviso-golden (tests/golden/golden.cpp), one ctest per golden file. `make goldens` rewrites
# the .expected files (PROVISO_UPDATE_GOLDENS=1).
add_executable(proviso-golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/golden.cpp)
add_dependencies(proviso-golden proviso)

set(PROVISO_GOLDEN_DIR ${CMAKE_CURRENT_SOURCE_DIR}/golden)
file(GLOB PROVISO_GOLDEN_CASES CONFIGURE_DEPENDS RELATIVE ${PROVISO_GOLDEN_DIR}
  ${PROVISO_GOLDEN_DIR}/diagnostics/*.policy
  ${PROVISO_GOLDEN_DIR}/fmt/*.policy
  ${PROVISO_GOLDEN_DIR}/explain/*.json
  ${PROVISO_GOLDEN_DIR}/explain/*.yaml
  ${PROVISO_GOLDEN_DIR}/errors/*.ndjson
  ${PROVISO_GOLDEN_DIR}/ir/*.policy
  ${PROVISO_GOLDEN_DIR}/ir/*.ref)
# Without the JIT (PROVISO_ENABLE_JIT=OFF) the errors/ cases run on the interpreter alone.
set(golden_flags "")
if(NOT PROVISO_ENABLE_JIT)
  set(golden_flags --no-jit)
endif()
foreach(case ${PROVISO_GOLDEN_CASES})
  add_test(NAME "golden: ${case}"
    COMMAND proviso-golden --proviso $<TARGET_FILE:proviso> ${golden_flags} ${PROVISO_GOLDEN_DIR} ${case})
endforeach()
