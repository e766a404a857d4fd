// Architectures: how a Hugging Face checkpoint's tensors and config map to llama.cpp's GGUF names, shapes,
// transforms and `<arch>.*` keys. One small file per architecture family.
#pragma once
#include <string>
#include <vector>

#include "core/gguf/value.h"
#include "core/model/model_input.h"
#include "core/plan/tensor_source.h"

namespace gs {

struct ArchTensor {
    std::string name;           // GGUF name ("blk.0.attn_q.weight")
    std::vector<uint64_t> ne;   // ggml order (reverse of the safetensors shape)
    TensorSource source;        // where the values come from and how they are transformed
    bool keep_f32 = false;      // norms and 1-D tensors stay F32 whatever the output type
};

struct ArchResult {
    std::string arch;       // general.architecture ("llama")
    Metadata kv;            // `<arch>.*` keys
    std::vector<ArchTensor> tensors;  // in output order
    Metadata vocab_kv;      // tokenizer.* keys a family's set_vocab adds after the vocabulary (Gemma's space prefix)
};

// The class named by config.json's "architectures"[0], or force_arch when not empty (fine-tunes with odd names).
ArchResult map_architecture(const ModelInput& in, const std::string& force_arch = "");
std::vector<std::string> supported_architectures();

// config.json helpers shared by architectures: a required / optional number, with errors naming config.json.
uint64_t config_u64(const nlohmann::json& c, const char* key);
bool config_has(const nlohmann::json& c, const char* key);

}  // namespace gs
