# NATTER_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for the whole build,
# with any UB report fatal so a test fails on it.
# NATTER_TSAN=ON: ThreadSanitizer for the whole build (the `tsan` preset). It cannot be
# combined with AddressSanitizer, so the two options exclude each other.
option(NATTER_TSAN "Build with ThreadSanitizer" OFF)

if(NATTER_SANITIZE OR NATTER_TSAN)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "NATTER_SANITIZE and NATTER_TSAN need GCC or Clang")
  endif()
endif()
if(NATTER_SANITIZE AND NATTER_TSAN)
  message(FATAL_ERROR "NATTER_SANITIZE (ASan) and NATTER_TSAN cannot be used together")
endif()

if(NATTER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

if(NATTER_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=thread)
endif()
