// Quantization profiles: a named recipe = a base ftype plus llama-quantize overrides (token embedding / output type,
// --tensor-type rules, --pure, --leave-output-tensor), written as a small JSON object:
//   {"name": "Q4_K_L", "base": "Q4_K_M", "token_embedding_type": "Q8_0", "output_tensor_type": "Q8_0",
//    "tensor_types": ["ffn_down=Q6_K"], "pure": false, "leave_output_tensor": false, "description": "..."}
// Only "name" and "base" are required. Built-ins live in the binary (profiles_builtin.cpp); users pass their own
// JSON text (the caller reads the file: the core never opens files).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/ftype.h"
#include "core/plan/type_select.h"

namespace gs {

struct Profile {
    std::string name;
    Ftype base = Ftype::F16;
    QuantOptions options;  // has_imatrix is never set by a profile
    std::string description;
};

// Parses and validates a profile; `source` names it in errors (a file name, or "built-in profile X").
Profile parse_profile(const std::string& json_text, const std::string& source);

std::vector<std::string> builtin_profile_names();
// The built-in profile of that name (case-insensitive), if any.
std::optional<Profile> builtin_profile(std::string_view name);

// What `-t NAME` means: an ftype (a profile with no overrides) or a built-in profile; nullopt when neither.
std::optional<Profile> resolve_quant_name(std::string_view name);

}  // namespace gs
