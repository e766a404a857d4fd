# Project settings for the Emscripten build (included from the top level instead of the host find_package calls).

# Catch2 and our error handling need real C++ exceptions; emcc only enables them when -fexceptions is given to
# every compile and to the link.
add_compile_options(-fexceptions)
add_link_options(-fexceptions)

# Debian's emcc runs a JS optimizer at link time that needs node modules from /usr/share/nodejs. The presets set
# NODE_PATH; the launcher keeps a bare `cmake --build build/wasm` working too.
set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)

# The header-only dependencies come from the host's /usr/include, but adding that whole directory would put glibc's
# headers in front of Emscripten's libc. Expose only the three library folders, through symlinks in the build tree.
set(GGUFSMITH_HOST_INCLUDE_DIR /usr/include CACHE PATH "Where the host's hwy/, nlohmann/ and catch2/ headers are")
set(GGUFSMITH_WASM_HEADERS ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${GGUFSMITH_WASM_HEADERS})
foreach(lib hwy nlohmann catch2)
  if(NOT EXISTS ${GGUFSMITH_HOST_INCLUDE_DIR}/${lib})
    message(FATAL_ERROR "wasm build: ${GGUFSMITH_HOST_INCLUDE_DIR}/${lib} not found (install libhwy-dev, "
                        "nlohmann-json3-dev, catch2, or set GGUFSMITH_HOST_INCLUDE_DIR)")
  endif()
  file(REMOVE ${GGUFSMITH_WASM_HEADERS}/${lib})
  file(CREATE_LINK ${GGUFSMITH_HOST_INCLUDE_DIR}/${lib} ${GGUFSMITH_WASM_HEADERS}/${lib} SYMBOLIC)
endforeach()

# Imported targets are SYSTEM includes, so -Wall -Wextra stays quiet about third-party headers.
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${GGUFSMITH_WASM_HEADERS})
add_library(Catch2::Catch2 INTERFACE IMPORTED)
set_target_properties(Catch2::Catch2 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${GGUFSMITH_WASM_HEADERS})

# Test binaries run under node (tests/CMakeLists.txt registers them).
find_program(GGUFSMITH_NODE NAMES node nodejs REQUIRED)
