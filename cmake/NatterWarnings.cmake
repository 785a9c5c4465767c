# Warning flags for every Natter target: natter_target_warnings(<target>).
function(natter_target_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wformat=2 -Wundef -Wcast-qual -Wwrite-strings -Wvla -Wno-unused-parameter)
    if(NATTER_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${NATTER_WERROR}>:/WX>)
  endif()
endfunction()
