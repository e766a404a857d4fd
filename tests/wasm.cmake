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
  # [nonfinite] tests compare SIMD with scalar on NaN/inf weights, where ggml's own bytes depend on the CPU's
  # float->int conversion of NaN (x86: INT_MIN; wasm: saturates to 0): not a property wasm can share. Every golden
  # row (ggml's output) is still checked here. [spawns-threads] tests need pthreads, which this build does not have
  # (the executor runs single-threaded in wasm).
  add_test(NAME ${name} COMMAND ${GGUFSMITH_NODE} --no-experimental-fetch $<TARGET_FILE:${name}> "~[nonfinite]~[spawns-threads]")
  set_tests_properties(${name} PROPERTIES TIMEOUT 1800)
endfunction()
