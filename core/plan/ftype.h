// llama-quantize's file types ("Q4_K_M", ...): the id stored as general.file_type (llama.h's enum llama_ftype) and
// the type most tensors get. Which tensors deviate from that default is type_select.h's job.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/gguf/types.h"

namespace gs {

// Values are llama.h's enum llama_ftype; gaps are ids llama.cpp retired.
enum class Ftype : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q8_0 = 7, Q5_0 = 8, Q5_1 = 9,
    Q2_K = 10, Q3_K_S = 11, Q3_K_M = 12, Q3_K_L = 13, Q4_K_S = 14, Q4_K_M = 15, Q5_K_S = 16, Q5_K_M = 17,
    Q6_K = 18, IQ2_XXS = 19, IQ2_XS = 20, Q2_K_S = 21, IQ3_XS = 22, IQ3_XXS = 23, IQ1_S = 24, IQ4_NL = 25,
    IQ3_S = 26, IQ3_M = 27, IQ2_S = 28, IQ2_M = 29, IQ4_XS = 30, IQ1_M = 31, BF16 = 32,
    TQ1_0 = 36, TQ2_0 = 37, MXFP4_MOE = 38,
};

struct FtypeInfo {
    Ftype ftype;
    const char* name;       // as llama-quantize spells it ("Q4_K_M")
    GgmlType default_type;  // what a tensor gets when no rule says otherwise
};

// Every ftype, in llama_ftype id order (the order llama.cpp's type-selection snapshots list them).
const std::vector<FtypeInfo>& all_ftypes();
const FtypeInfo& ftype_info(Ftype f);
// Case-insensitive; also accepts llama-quantize's aliases Q3_K, Q4_K, Q5_K (= the _M variants).
std::optional<Ftype> ftype_from_name(std::string_view name);

inline uint32_t ftype_id(Ftype f) { return static_cast<uint32_t>(f); }
// F32, F16, BF16: no quantization at all, every tensor is converted (the plan's plain-conversion path).
bool ftype_is_float(Ftype f);

}  // namespace gs
