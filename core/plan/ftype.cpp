#include "core/plan/ftype.h"

#include <cctype>

namespace gs {
namespace {
bool same_upper(std::string_view a, std::string_view upper) {
    if (a.size() != upper.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
    return true;
}
}  // namespace

const std::vector<FtypeInfo>& all_ftypes() {
    using T = GgmlType;
    static const std::vector<FtypeInfo> v = {
        {Ftype::F32, "F32", T::F32},           {Ftype::F16, "F16", T::F16},
        {Ftype::Q4_0, "Q4_0", T::Q4_0},        {Ftype::Q4_1, "Q4_1", T::Q4_1},
        {Ftype::Q8_0, "Q8_0", T::Q8_0},        {Ftype::Q5_0, "Q5_0", T::Q5_0},
        {Ftype::Q5_1, "Q5_1", T::Q5_1},        {Ftype::Q2_K, "Q2_K", T::Q2_K},
        {Ftype::Q3_K_S, "Q3_K_S", T::Q3_K},    {Ftype::Q3_K_M, "Q3_K_M", T::Q3_K},
        {Ftype::Q3_K_L, "Q3_K_L", T::Q3_K},    {Ftype::Q4_K_S, "Q4_K_S", T::Q4_K},
        {Ftype::Q4_K_M, "Q4_K_M", T::Q4_K},    {Ftype::Q5_K_S, "Q5_K_S", T::Q5_K},
        {Ftype::Q5_K_M, "Q5_K_M", T::Q5_K},    {Ftype::Q6_K, "Q6_K", T::Q6_K},
        {Ftype::IQ2_XXS, "IQ2_XXS", T::IQ2_XXS}, {Ftype::IQ2_XS, "IQ2_XS", T::IQ2_XS},
        {Ftype::Q2_K_S, "Q2_K_S", T::Q2_K},    {Ftype::IQ3_XS, "IQ3_XS", T::IQ3_S},
        {Ftype::IQ3_XXS, "IQ3_XXS", T::IQ3_XXS}, {Ftype::IQ1_S, "IQ1_S", T::IQ1_S},
        {Ftype::IQ4_NL, "IQ4_NL", T::IQ4_NL},  {Ftype::IQ3_S, "IQ3_S", T::IQ3_S},
        {Ftype::IQ3_M, "IQ3_M", T::IQ3_S},     {Ftype::IQ2_S, "IQ2_S", T::IQ2_XS},
        {Ftype::IQ2_M, "IQ2_M", T::IQ2_S},     {Ftype::IQ4_XS, "IQ4_XS", T::IQ4_XS},
        {Ftype::IQ1_M, "IQ1_M", T::IQ1_M},     {Ftype::BF16, "BF16", T::BF16},
        {Ftype::TQ1_0, "TQ1_0", T::TQ1_0},     {Ftype::TQ2_0, "TQ2_0", T::TQ2_0},
        {Ftype::MXFP4_MOE, "MXFP4_MOE", T::MXFP4},
    };
    return v;
}

const FtypeInfo& ftype_info(Ftype f) {
    for (const auto& i : all_ftypes())
        if (i.ftype == f) return i;
    return all_ftypes().front();  // unreachable for valid enum values
}

std::optional<Ftype> ftype_from_name(std::string_view name) {
    for (const auto& i : all_ftypes())
        if (same_upper(name, i.name)) return i.ftype;
    // llama-quantize's short names for the medium k-quant mixes
    if (same_upper(name, "Q3_K")) return Ftype::Q3_K_M;
    if (same_upper(name, "Q4_K")) return Ftype::Q4_K_M;
    if (same_upper(name, "Q5_K")) return Ftype::Q5_K_M;
    return std::nullopt;
}

bool ftype_is_float(Ftype f) { return f == Ftype::F32 || f == Ftype::F16 || f == Ftype::BF16; }

}  // namespace gs
