# Install the built tree into a scratch prefix and build the outside sample
# programs of packaging/samples/ against it, as a user would:
#   np-echo     CMake, find_package(Natter REQUIRED COMPONENTS np)
#   natter-bot  CMake, pkg_check_modules(... natter) on the installed natter.pc,
#               and its Makefile (pkg-config --cflags --libs natter) with make
# Both with -Wall -Wextra -Wpedantic -Werror. apps-run (test_apps.c) then runs
# what was built here. Inputs: BUILD_DIR, SAMPLES_DIR, WORK_DIR, C_COMPILER,
# TOOLCHAIN (may be empty), EXE_SUFFIX, EXTRA_CFLAGS (may be empty: e.g. the
# sanitizers, which an instrumented library needs in the program too).
#
# Results in WORK_DIR: np-echo/np-echo[.exe], natter-bot/natter-bot[.exe] with
# the libraries' DLLs copied beside them on Windows; natter-bot-skipped.txt
# holds the reason instead if natter-bot cannot be built here.
cmake_minimum_required(VERSION 3.25)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

foreach(var BUILD_DIR SAMPLES_DIR WORK_DIR C_COMPILER)
  if(NOT ${var})
    message(FATAL_ERROR "build_samples.cmake needs -D${var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# What the samples need from the install tree.
file(GLOB_RECURSE cfg_files ${prefix}/*/NatterConfig.cmake)
file(GLOB_RECURSE pc_files ${prefix}/*/natter.pc)
file(GLOB_RECURSE np_pc_files ${prefix}/*/natter-np.pc)
if(NOT cfg_files)
  message(FATAL_ERROR "the install tree ${prefix} has no NatterConfig.cmake")
endif()
if(NOT pc_files)
  message(FATAL_ERROR "the install tree ${prefix} has no natter.pc (libnatter's pkg-config "
                      "file, packaging/natter.pc.in): natter-bot cannot be built with pkg-config")
endif()
if(NOT np_pc_files)
  message(FATAL_ERROR "the install tree ${prefix} has no natter-np.pc, which natter.pc requires")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
message(STATUS "natter.pc: ${pc_file}")

set(warn_flags "-Wall -Wextra -Wpedantic -Werror")
set(tc_args "")
if(TOOLCHAIN)
  # CMAKE_FIND_ROOT_PATH: the toolchain searches only its sysroot unless told.
  set(tc_args -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN} -DCMAKE_FIND_ROOT_PATH=${prefix})
endif()
# Windows finds a DLL beside the .exe (elsewhere the CMake builds carry an RPATH).
file(GLOB runtime_dlls ${prefix}/bin/*.dll)

# ---- np-echo: find_package(Natter REQUIRED COMPONENTS np) ------------------------
set(echo_build ${WORK_DIR}/np-echo)
run("configure np-echo" ${CMAKE_COMMAND} -S ${SAMPLES_DIR}/np-echo -B ${echo_build} ${tc_args}
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=${prefix}
    "-DCMAKE_C_FLAGS=${warn_flags} ${EXTRA_CFLAGS}")
run("build np-echo" ${CMAKE_COMMAND} --build ${echo_build})
if(NOT EXISTS ${echo_build}/np-echo${EXE_SUFFIX})
  message(FATAL_ERROR "np-echo was not built: no ${echo_build}/np-echo${EXE_SUFFIX}")
endif()
if(runtime_dlls)
  file(COPY ${runtime_dlls} DESTINATION ${echo_build})
endif()

# ---- natter-bot: pkg-config natter (Requires: natter-np) --------------------------
# PKG_CONFIG_LIBDIR, not PKG_CONFIG_PATH: only the scratch prefix is searched, so a
# Natter installed on this machine cannot stand in for it, and a cross build never
# sees the build machine's own .pc files. The .pc files are relocatable.
find_program(PKG_CONFIG_EXE NAMES pkg-config pkgconf)
if(NOT PKG_CONFIG_EXE)
  message(FATAL_ERROR "pkg-config is not installed: natter-bot cannot be built")
endif()
set(ENV{PKG_CONFIG_LIBDIR} ${pc_dir})
unset(ENV{PKG_CONFIG_PATH})
unset(ENV{PKG_CONFIG_SYSROOT_DIR})
execute_process(COMMAND ${PKG_CONFIG_EXE} --cflags --libs natter
                RESULT_VARIABLE rc OUTPUT_VARIABLE pc_flags ERROR_VARIABLE pc_err
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs natter failed in ${pc_dir}:\n${pc_err}")
endif()
message(STATUS "pkg-config --cflags --libs natter: ${pc_flags}")
if(NOT pc_flags MATCHES "-lnatter( |$)" OR NOT pc_flags MATCHES "-lnatter-np")
  message(FATAL_ERROR "natter.pc does not give both -lnatter and -lnatter-np: ${pc_flags}")
endif()

set(bot_build ${WORK_DIR}/natter-bot)
run("configure natter-bot" ${CMAKE_COMMAND} -S ${SAMPLES_DIR}/natter-bot -B ${bot_build}
    ${tc_args} -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPKG_CONFIG_EXECUTABLE=${PKG_CONFIG_EXE}
    "-DCMAKE_C_FLAGS=${warn_flags} ${EXTRA_CFLAGS}")
run("build natter-bot" ${CMAKE_COMMAND} --build ${bot_build})
if(NOT EXISTS ${bot_build}/natter-bot${EXE_SUFFIX})
  message(FATAL_ERROR "natter-bot was not built: no ${bot_build}/natter-bot${EXE_SUFFIX}")
endif()
if(runtime_dlls)
  file(COPY ${runtime_dlls} DESTINATION ${bot_build})
endif()

# ---- natter-bot's Makefile, the way its users build it -----------------------------
find_program(MAKE_EXE NAMES make gmake)
if(MAKE_EXE)
  set(make_build ${WORK_DIR}/natter-bot-make)
  file(MAKE_DIRECTORY ${make_build})
  run("make natter-bot" ${MAKE_EXE} -C ${make_build} -f ${SAMPLES_DIR}/natter-bot/Makefile
      CC=${C_COMPILER} "CFLAGS=-O2 -Werror ${EXTRA_CFLAGS}" "LDFLAGS=${EXTRA_CFLAGS}"
      PKG_CONFIG=${PKG_CONFIG_EXE})
  if(NOT EXISTS ${make_build}/natter-bot${EXE_SUFFIX})
    message(FATAL_ERROR "make did not build ${make_build}/natter-bot${EXE_SUFFIX}")
  endif()
  if(NOT TOOLCHAIN)
    # No RPATH from a plain Makefile: the library path says where the libraries are.
    file(GLOB_RECURSE libnatter ${prefix}/*/libnatter.so)
    list(GET libnatter 0 libnatter)
    get_filename_component(libdir ${libnatter} DIRECTORY)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir}
                            ${make_build}/natter-bot --version
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT out MATCHES "natter-bot on libnatter")
      message(FATAL_ERROR "the make-built natter-bot does not run (${rc}):\n${out}\n${err}")
    endif()
    message(STATUS "make-built natter-bot: ${out}")
  endif()
else()
  message(STATUS "make is not installed: natter-bot's Makefile not tried")
endif()
