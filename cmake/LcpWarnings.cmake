# lcp_strict_warnings(target): the project's own code is built with the strictest warnings that the
# toolchain's system headers (Boost, protobuf) stay quiet under. Generated protobuf code is not.
function(lcp_strict_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough -Wsign-conversion -Wconversion)
    # -Woverloaded-virtual is left out: gRPC's callback services are built by overriding one overload.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE
      # GCC 12 at -O2 reports false "maybe uninitialized" limbs inside Boost.Multiprecision's cpp_int.
      -Wno-maybe-uninitialized
      # GCC 12 at -O3 reports a false -Wrestrict overlap inside std::string (GCC bug 105329).
      -Wno-restrict)
  endif()
  if(LCP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
