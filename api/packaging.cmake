# Included by api/CMakeLists.txt, after proviso_shared.
#
# The static libproviso.a (target proviso_static, exported as Proviso::proviso_static): the
# objects of libproviso.so in one archive: its own (the C API) and those of every internal
# library it links (the C++ API, the JIT, the compiler, the grammar, the runtime, ...). They
# are found by walking proviso_shared's link dependencies, and so are the outside libraries a
# static link then needs (libLLVM, fmt, libyaml, simdjson, Nettle, ...): those
# become the target's link interface, as the files this build linked, and the Libs line of
# proviso-static.pc. No include directory but include/proviso's is passed on.

set(PROVISO_STATIC_INTERNAL "")  # internal static libraries, each once
set(PROVISO_STATIC_EXTERNAL "")  # library files and flags, in link order

# ITEM as written in LINK_LIBRARIES or INTERFACE_LINK_LIBRARIES, without the generator
# expressions our CMake files use around a library name; "" for CMake's own markers.
function(_proviso_link_item item out)
  if(item MATCHES "^::@")
    set(item "")
  elseif(item MATCHES "^\\$<LINK_ONLY:(.+)>$" OR item MATCHES "^\\$<LINK_LIBRARY:[A-Z_]+,(.+)>$")
    set(item "${CMAKE_MATCH_1}")
  elseif(item MATCHES "^\\$<TARGET_NAME_IF_EXISTS:(.+)>$")
    set(item "")
    if(TARGET ${CMAKE_MATCH_1})
      set(item "${CMAKE_MATCH_1}")
    endif()
  elseif(item MATCHES "\\$<")
    message(FATAL_ERROR "api/packaging.cmake: cannot read the link item `${item}`")
  endif()
  set(${out} "${item}" PARENT_SCOPE)
endfunction()

# The file a consumer links for an imported library target, then its own link interface.
function(_proviso_walk_imported target)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    set(location "")
    foreach(config IN ITEMS ${configs} RELEASE RELWITHDEBINFO NOCONFIG NONE)
      get_target_property(location ${target} IMPORTED_LOCATION_${config})
      if(location)
        break()
      endif()
    endforeach()
    if(NOT location)
      get_target_property(location ${target} IMPORTED_LOCATION)
    endif()
    if(NOT location)
      message(FATAL_ERROR "api/packaging.cmake: no library file for ${target}")
    endif()
    list(APPEND PROVISO_STATIC_EXTERNAL ${location})
  endif()
  get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  if(deps)
    _proviso_walk(${deps})
  endif()
  set(PROVISO_STATIC_EXTERNAL ${PROVISO_STATIC_EXTERNAL} PARENT_SCOPE)
endfunction()

# Walks link items: internal libraries into PROVISO_STATIC_INTERNAL (and their own links),
# outside ones into PROVISO_STATIC_EXTERNAL.
function(_proviso_walk)
  foreach(raw IN LISTS ARGN)
    _proviso_link_item("${raw}" item)
    if(item STREQUAL "")
      continue()
    endif()
    if(TARGET ${item})
      get_target_property(aliased ${item} ALIASED_TARGET)
      if(aliased)
        set(item ${aliased})
      endif()
      get_target_property(imported ${item} IMPORTED)
      if(imported)
        _proviso_walk_imported(${item})
      elseif(NOT item IN_LIST PROVISO_STATIC_INTERNAL)
        get_target_property(type ${item} TYPE)
        if(NOT type STREQUAL "STATIC_LIBRARY")
          message(FATAL_ERROR "api/packaging.cmake: ${item} is a ${type}, not a static library")
        endif()
        list(APPEND PROVISO_STATIC_INTERNAL ${item})
        get_target_property(deps ${item} LINK_LIBRARIES)
        if(deps)
          _proviso_walk(${deps})
        endif()
      endif()
    elseif(item MATCHES "^(-|/)")
      list(APPEND PROVISO_STATIC_EXTERNAL ${item})
    else()
      list(APPEND PROVISO_STATIC_EXTERNAL -l${item})
    endif()
    set(PROVISO_STATIC_INTERNAL ${PROVISO_STATIC_INTERNAL} PARENT_SCOPE)
    set(PROVISO_STATIC_EXTERNAL ${PROVISO_STATIC_EXTERNAL} PARENT_SCOPE)
  endforeach()
endfunction()

get_target_property(shared_links proviso_shared LINK_LIBRARIES)
_proviso_walk(${shared_links})
# Each library once, at its last place, so every library comes after those that use it.
list(REVERSE PROVISO_STATIC_EXTERNAL)
list(REMOVE_DUPLICATES PROVISO_STATIC_EXTERNAL)
list(REVERSE PROVISO_STATIC_EXTERNAL)
# The C++ runtime, for C programs linked by the C compiler (what CMake adds when it links C++
# objects with the C++ driver: libstdc++ and libm here).
foreach(lib IN LISTS CMAKE_CXX_IMPLICIT_LINK_LIBRARIES)
  if(NOT lib IN_LIST CMAKE_C_IMPLICIT_LINK_LIBRARIES AND NOT -l${lib} IN_LIST PROVISO_STATIC_EXTERNAL)
    list(APPEND PROVISO_STATIC_EXTERNAL -l${lib})
  endif()
endforeach()

set(proviso_static_objects $<TARGET_OBJECTS:proviso_shared>)
foreach(lib IN LISTS PROVISO_STATIC_INTERNAL)
  list(APPEND proviso_static_objects $<TARGET_OBJECTS:${lib}>)
endforeach()
# The JIT's LLVM part is archived from an object library (compiler/CMakeLists.txt), whose
# objects $<TARGET_OBJECTS:proviso_jit_llvm> does not list.
if(proviso_jit_llvm IN_LIST PROVISO_STATIC_INTERNAL)
  list(APPEND proviso_static_objects $<TARGET_OBJECTS:proviso_jit_llvm_objects>)
endif()
add_library(proviso_static STATIC ${proviso_static_objects})
add_dependencies(proviso_static proviso_shared ${PROVISO_STATIC_INTERNAL})
set_target_properties(proviso_static PROPERTIES OUTPUT_NAME proviso EXPORT_NAME proviso_static
  LINKER_LANGUAGE CXX ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)
target_include_directories(proviso_static INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(proviso_static INTERFACE ${PROVISO_STATIC_EXTERNAL})
install(TARGETS proviso_static EXPORT ProvisoTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
string(REPLACE ";" " " PROVISO_STATIC_LIBS "${PROVISO_STATIC_EXTERNAL}")
configure_file(proviso-static.pc.in ${CMAKE_CURRENT_BINARY_DIR}/proviso-static.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/proviso-static.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
message(STATUS "libproviso.a links: ${PROVISO_STATIC_LIBS}")

# The C API's view for the ABI check (tests/capi/symbols.sh, scripts/update-symbols.sh): the
# objects of libproviso.so's own sources (api/c_api.cpp, where the C functions are defined)
# linked alone, with the same version script and SONAME, into abi/libproviso.so.1. abi-dumper
# reads its debug information in seconds; that of the whole library (40 MB of DWARF, with the
# compiler's and LLVM's types) takes over two minutes. Built where the baselines come from:
# the RelWithDebInfo build with g++, without sanitizers.
if(BUILD_TESTING AND CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
   AND NOT PROVISO_SANITIZE AND NOT PROVISO_TSAN)
  set(PROVISO_ABI_CHECK ON CACHE INTERNAL "tests/capi/symbols.sh compares the ABI with api/libproviso.abi")
  add_library(proviso_abi_view SHARED $<TARGET_OBJECTS:proviso_shared>)
  add_dependencies(proviso_abi_view proviso_shared)
  get_target_property(version proviso_shared VERSION)
  get_target_property(soversion proviso_shared SOVERSION)
  set_target_properties(proviso_abi_view PROPERTIES OUTPUT_NAME proviso VERSION ${version} SOVERSION ${soversion}
    LINKER_LANGUAGE CXX LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/abi
    LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/libproviso.map)
  target_link_options(proviso_abi_view PRIVATE -Wl,--version-script=${CMAKE_CURRENT_SOURCE_DIR}/libproviso.map)
else()
  set(PROVISO_ABI_CHECK OFF CACHE INTERNAL "tests/capi/symbols.sh compares the ABI with api/libproviso.abi")
endif()
