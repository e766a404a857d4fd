// ggml tensor types: ids as stored in GGUF (ggml.h's enum ggml_type) and block layouts (ggml-common.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gs {

enum class GgmlType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
};

struct TypeTraits {
    GgmlType type;
    const char* name;     // upper-case, as llama.cpp prints it ("Q4_K", "BF16")
    uint32_t block_size;  // elements per block
    uint32_t type_size;   // bytes per block
};

// nullptr for an id ggml does not define (or one GGUF files no longer use).
const TypeTraits* type_traits(GgmlType t);
const TypeTraits* type_traits_by_id(uint32_t id);
// Case-insensitive lookup by name ("q4_k", "BF16").
std::optional<GgmlType> type_from_name(std::string_view name);
const char* type_name(GgmlType t);

// Bytes of n elements of type t; n must be a multiple of the block size (asserted by callers that check first).
uint64_t row_bytes(GgmlType t, uint64_t n);

}  // namespace gs
