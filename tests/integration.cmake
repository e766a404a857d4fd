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
add_test(NAME integration:dev-llama-spm-golden-quant
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/golden_quant.py --cli ${GS_CLI} --tool $<TARGET_FILE:gs_golden_quant>
                 --shared ${GGUFSMITH_SHARED_DIR} --work ${CMAKE_BINARY_DIR}/it-golden-quant)
set_tests_properties(integration:dev-llama-spm-golden integration:cli-errors integration:dev-llama-spm-golden-quant
                     PROPERTIES TIMEOUT 600)

# Real llama.cpp (npm node-llama-cpp): generation and tokenization parity. Needs `npm ci` in tests/js.
add_test(NAME integration:llama-cpp-tinystories
         COMMAND ${Python3_EXECUTABLE} ${GS_IT}/llama_cpp_run.py --cli ${GS_CLI} --shared ${GGUFSMITH_SHARED_DIR}
                 --js ${CMAKE_CURRENT_SOURCE_DIR}/js --work ${CMAKE_BINARY_DIR}/it-llama)
set_tests_properties(integration:llama-cpp-tinystories PROPERTIES TIMEOUT 900)
