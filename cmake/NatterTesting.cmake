# Test helpers shared by tests/*:
#
#   natter_add_test(NAME <name> SOURCES <files...> [LIBS <targets...>]
#                   [LABELS <labels...>] [TIMEOUT <s>] [ARGS <args...>])
#
# builds one executable, registers it with CTest (exit code 77 = skipped, with
# the reason printed by the test) and, in a mingw-w64 build, runs it under Wine
# with its own throwaway prefix and the extra label `windows`.

if(CMAKE_CROSSCOMPILING AND WIN32)
  set(NATTER_WINEPREFIX ${PROJECT_BINARY_DIR}/wineprefix)
  set(NATTER_TEST_ENV "WINEDEBUG=-all" "WINEPREFIX=${NATTER_WINEPREFIX}"
                      "WINEDLLOVERRIDES=mscoree,mshtml=")
  # Creating a Wine prefix takes ~10 s: do it once, before any test, so tests that
  # run in parallel never race to create it. Then keep one wineserver up for the
  # whole run: left alone it exits a few seconds after the last process, and a
  # test started at that moment can fail to start. It is started first (it
  # refuses to start beside the one wineboot would leave); the cleanup test
  # stops it (and does not mind if it is already gone). -p60 rather than -p: a
  # run that is killed before its cleanup leaves a server that still exits
  # after a minute idle. Their output goes to
  # /dev/null: they outlive the test, and CTest would wait for its pipe.
  find_program(NATTER_WINESERVER NAMES wineserver)
  if(CMAKE_CROSSCOMPILING_EMULATOR AND NATTER_WINESERVER)
    add_test(NAME wine-prefix
             COMMAND ${CMAKE_COMMAND} -E env ${NATTER_TEST_ENV} sh -c
                     "mkdir -p \"$WINEPREFIX\" && ${NATTER_WINESERVER} -p60 </dev/null >/dev/null 2>&1 && ${CMAKE_CROSSCOMPILING_EMULATOR} wineboot --init </dev/null >/dev/null 2>&1")
    set_tests_properties(wine-prefix PROPERTIES FIXTURES_SETUP wine LABELS "windows"
                         TIMEOUT 120)
    add_test(NAME wine-server-stop
             COMMAND ${CMAKE_COMMAND} -E env ${NATTER_TEST_ENV} sh -c
                     "${NATTER_WINESERVER} -k || true")
    set_tests_properties(wine-server-stop PROPERTIES FIXTURES_CLEANUP wine LABELS "windows")
  endif()
else()
  set(NATTER_TEST_ENV "")
endif()

function(natter_test_properties name)
  cmake_parse_arguments(T "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(labels ${T_LABELS})
  if(CMAKE_CROSSCOMPILING AND WIN32)
    list(APPEND labels windows)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${T_TIMEOUT}
                       SKIP_RETURN_CODE 77)
  if(NATTER_TEST_ENV)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${NATTER_TEST_ENV}"
                         FIXTURES_REQUIRED wine)
  endif()
endfunction()

function(natter_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
  natter_target_warnings(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  natter_test_properties(${T_NAME} LABELS ${T_LABELS} TIMEOUT ${T_TIMEOUT})
endfunction()
