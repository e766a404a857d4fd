// safetensors element types (the "dtype" strings of the header).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace gs {

enum class Dtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, F8_E4M3, F8_E5M2 };

std::optional<Dtype> dtype_from_name(std::string_view s);  // "BF16" -> BF16
const char* dtype_name(Dtype d);
uint32_t dtype_size(Dtype d);  // bytes per element
bool dtype_is_float(Dtype d);

}  // namespace gs
