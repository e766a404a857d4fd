# Running the Catch2 binaries under node in the wasm build: one ctest entry per binary.
if(NOT EMSCRIPTEN)
  return()
endif()

function(ggufsmith_node_test name)
  # NODERAWFS: the tests open ../shared and tests/ by absolute host path, as they do natively.
  # EXIT_RUNTIME: Catch2's exit status and buffered output reach node when main returns.
  target_link_options(${name} PRIVATE
    -sENVIRONMENT=node -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1)
  # Node 18+ has a global fetch; emcc 3.1.6's loader would try it for the .wasm file and fail.
  add_test(NAME ${name} COMMAND ${GGUFSMITH_NODE} --no-experimental-fetch $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES TIMEOUT 1800)
endfunction()
