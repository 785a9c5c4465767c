# Install the built tree into a scratch prefix, then build and run an outside
# program against it twice: once through find_package(Natter) and once through
# pkg-config (natter-np.pc). Inputs: BUILD_DIR, SRC_DIR, WORK_DIR, C_COMPILER,
# TOOLCHAIN (may be empty), EMULATOR (may be empty), EXE_SUFFIX, CONSUMER_CFLAGS
# (may be empty: extra compile and link flags, e.g. the sanitizers).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

foreach(f include/np/np.h include/np/config.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "install tree lacks ${f}")
  endif()
endforeach()
file(GLOB_RECURSE pc_files ${prefix}/*/natter-np.pc)
file(GLOB_RECURSE cfg_files ${prefix}/*/NatterConfig.cmake)
if(NOT pc_files OR NOT cfg_files)
  message(FATAL_ERROR "install tree lacks natter-np.pc or NatterConfig.cmake")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)

# The runtime libraries: a DLL beside the .exe on Windows, LD_LIBRARY_PATH elsewhere.
file(GLOB runtime_libs ${prefix}/bin/*.dll)
# The library dir is the one above pkgconfig/ (lib, lib64 or a multiarch dir).
get_filename_component(lib_dir ${pc_dir} DIRECTORY)
set(run_env ${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${lib_dir}")

# 1. find_package(Natter COMPONENTS np)
set(cm_build ${WORK_DIR}/cmake-consumer)
set(tc_args "")
if(TOOLCHAIN)
  set(tc_args -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN})
endif()
run(${CMAKE_COMMAND} -S ${SRC_DIR}/consumer -B ${cm_build} ${tc_args}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_ROOT_PATH=${prefix}
    "-DCMAKE_C_FLAGS=${CONSUMER_CFLAGS}")
run(${CMAKE_COMMAND} --build ${cm_build})
set(cm_exe ${cm_build}/np_consumer${EXE_SUFFIX})
if(runtime_libs)
  file(COPY ${runtime_libs} DESTINATION ${cm_build})
endif()
run(${run_env} ${EMULATOR} ${cm_exe})
message(STATUS "find_package consumer: ${run_output}")
if(NOT run_output MATCHES "np_consumer ok")
  message(FATAL_ERROR "find_package consumer did not report ok")
endif()

# 2. pkg-config natter-np
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_LIBDIR} ${pc_dir})
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs natter-np
                OUTPUT_VARIABLE pc_flags RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs natter-np failed")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags} ${CONSUMER_CFLAGS}")
set(pc_build ${WORK_DIR}/pkgconfig-consumer)
file(MAKE_DIRECTORY ${pc_build})
set(pc_exe ${pc_build}/np_consumer${EXE_SUFFIX})
run(${C_COMPILER} ${SRC_DIR}/consumer/np_consumer.c -o ${pc_exe} ${pc_flags})
if(runtime_libs)
  file(COPY ${runtime_libs} DESTINATION ${pc_build})
endif()
run(${run_env} ${EMULATOR} ${pc_exe})
message(STATUS "pkg-config consumer: ${run_output}")
if(NOT run_output MATCHES "np_consumer ok")
  message(FATAL_ERROR "pkg-config consumer did not report ok")
endif()
