#include "core/safetensors/dtype.h"

namespace gs {
namespace {
struct DtypeInfo {
    Dtype d;
    const char* name;
    uint32_t size;
    bool is_float;
};
constexpr DtypeInfo kDtypes[] = {
    {Dtype::F64, "F64", 8, true},  {Dtype::F32, "F32", 4, true},   {Dtype::F16, "F16", 2, true},
    {Dtype::BF16, "BF16", 2, true}, {Dtype::I64, "I64", 8, false}, {Dtype::I32, "I32", 4, false},
    {Dtype::I16, "I16", 2, false}, {Dtype::I8, "I8", 1, false},    {Dtype::U8, "U8", 1, false},
    {Dtype::BOOL, "BOOL", 1, false}, {Dtype::F8_E4M3, "F8_E4M3", 1, true}, {Dtype::F8_E5M2, "F8_E5M2", 1, true},
};
const DtypeInfo& info(Dtype d) { return kDtypes[static_cast<int>(d)]; }
}  // namespace

std::optional<Dtype> dtype_from_name(std::string_view s) {
    for (const auto& i : kDtypes)
        if (s == i.name) return i.d;
    return std::nullopt;
}
const char* dtype_name(Dtype d) { return info(d).name; }
uint32_t dtype_size(Dtype d) { return info(d).size; }
bool dtype_is_float(Dtype d) { return info(d).is_float; }

}  // namespace gs
