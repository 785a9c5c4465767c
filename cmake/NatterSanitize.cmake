# NATTER_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for the whole build,
# with any UB report fatal so a test fails on it.
if(NATTER_SANITIZE)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "NATTER_SANITIZE needs GCC or Clang")
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
