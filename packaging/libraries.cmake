# Libraries for the install tree: the static libnp and libnatter beside the
# shared ones, and natter.pc (libnatter) beside natter-np.pc (libnp).
#
# With BUILD_SHARED_LIBS=ON (the default), np and natter are shared libraries
# (SONAME libnatter-np.so.<major> / libnatter.so.<major>, VERSION
# ${PROJECT_VERSION}, SOVERSION ${PROJECT_VERSION_MAJOR}, set in
# platform/CMakeLists.txt and core/CMakeLists.txt). NATTER_INSTALL_STATIC (ON by
# default) adds static copies built from the same sources with NP_STATIC /
# NATTER_STATIC (no dllexport/dllimport, see np/export.h and natter/export.h):
#
#   target          export name            installed as
#   np              Natter::np             libnatter-np.so.* | bin/libnatter-np.dll + lib/libnatter-np.dll.a
#   natter          Natter::core           libnatter.so.*    | bin/libnatter.dll    + lib/libnatter.dll.a
#   np_static       Natter::np_static      lib/libnatter-np.a   (every platform)
#   natter_static   Natter::core_static    lib/libnatter.a      (every platform)
#
# File names: the static archives keep the shared libraries' OUTPUT_NAME on
# every platform. On ELF, libX.so and libX.a live side by side as usual; with
# mingw-w64 the DLL's import library is libX.dll.a and the archive libX.a, so
# nothing collides there either, and GNU ld picks the import library for
# -lnatter-np and the archive under -static (-Bstatic), as for any mingw
# library. Natter::*_static name the archive by its full path.
#
# With BUILD_SHARED_LIBS=OFF, np and natter are themselves static (Natter::np,
# Natter::core) and no *_static targets are made.

option(NATTER_INSTALL_STATIC
       "With BUILD_SHARED_LIBS, also build and install static libnp and libnatter" ON)

# One static twin of a shared library target: same sources, include directories
# and private definitions; the public definition STATIC_DEF marks the static ABI.
function(natter_static_twin shared twin export_name static_def)
  get_target_property(srcs ${shared} SOURCES)
  get_target_property(src_dir ${shared} SOURCE_DIR)
  set(abs_srcs "")
  foreach(s ${srcs})
    if(NOT IS_ABSOLUTE "${s}")
      set(s ${src_dir}/${s})
    endif()
    list(APPEND abs_srcs ${s})
  endforeach()
  add_library(${twin} STATIC ${abs_srcs})
  add_library(Natter::${export_name} ALIAS ${twin})
  get_target_property(out ${shared} OUTPUT_NAME)
  get_target_property(inc ${shared} INCLUDE_DIRECTORIES)
  get_target_property(iface_inc ${shared} INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(defs ${shared} COMPILE_DEFINITIONS)
  set_target_properties(${twin} PROPERTIES
    OUTPUT_NAME ${out}
    EXPORT_NAME ${export_name}
    INCLUDE_DIRECTORIES "${inc}"
    INTERFACE_INCLUDE_DIRECTORIES "${iface_inc}")
  if(defs)
    set_property(TARGET ${twin} PROPERTY COMPILE_DEFINITIONS "${defs}")
  endif()
  target_compile_definitions(${twin} PUBLIC ${static_def})
  natter_target_warnings(${twin})
endfunction()

if(BUILD_SHARED_LIBS AND NATTER_INSTALL_STATIC)
  natter_static_twin(np np_static np_static NP_STATIC)
  if(WIN32)
    target_link_libraries(np_static PRIVATE ws2_32)
  else()
    find_package(Threads REQUIRED)   # imported targets are per directory
    target_link_libraries(np_static PUBLIC Threads::Threads)
  endif()

  natter_static_twin(natter natter_static core_static NATTER_STATIC)
  target_link_libraries(natter_static PUBLIC np_static)

  install(TARGETS np_static natter_static EXPORT NatterTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

# pkg-config for libnatter: relocatable like natter-np.pc. It names natter-np
# in Requires, so the include directory and -lnatter-np come from there.
if(BUILD_SHARED_LIBS)
  set(NT_PC_CFLAGS "")
else()
  set(NT_PC_CFLAGS "-DNATTER_STATIC")
endif()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/natter.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/natter.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/natter.pc DESTINATION ${NP_PC_DIR})
