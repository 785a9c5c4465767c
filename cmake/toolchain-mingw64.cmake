# Cross-compile for 64-bit Windows with mingw-w64; CTest runs the .exe files
# under Wine (see NatterTesting.cmake for the Wine environment).
#   cmake -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NATTER_MINGW_PREFIX x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${NATTER_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${NATTER_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${NATTER_MINGW_PREFIX}-windres)
# Appended, so a caller can add an install prefix with -DCMAKE_FIND_ROOT_PATH=...
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${NATTER_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# No MinGW runtime DLLs to ship: libgcc is linked in statically.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

find_program(NATTER_WINE NAMES wine wine64)
if(NATTER_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${NATTER_WINE})
endif()
