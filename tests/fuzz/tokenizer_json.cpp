// The tokenizer files of a folder (core/tokenizer/): tokenizer.json (llama-style BPE and byte-level BPE with its
// pre-tokenizer), tokenizer_config.json, special_tokens_map.json, added_tokens.json, chat templates, and a
// tokenizer.model when the input frames one in. The input is one tokenizer.json, or several files framed as in
// fuzz_support.h (a config.json among them is used as the model's config).
#include "core/error.h"
#include "core/model/model_input.h"
#include "core/tokenizer/vocab.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(tokenizer_json) {
    using namespace gs;
    const fuzz::FuzzFolder folder = fuzz::split_folder(data, size, "tokenizer.json");
    try {
        const nlohmann::json config =
            folder.has("config.json") ? read_json_file(folder, "config.json") : nlohmann::json::object();
        VocabOptions opt;
        if (auto it = folder.content.find("tokenizer_pre"); it != folder.content.end()) opt.tokenizer_pre = it->second;
        const Metadata m = vocab_metadata(folder, config, opt);
        // The arrays llama.cpp indexes by token id agree in length, and every special id is a token.
        const Value* tokens = find(m, "tokenizer.ggml.tokens");
        GS_FUZZ_CHECK(tokens && tokens->is_array() && tokens->elem == ValueType::String);
        const uint64_t n = tokens->count;
        GS_FUZZ_CHECK(tokens->strings.size() == n);
        for (const char* key : {"tokenizer.ggml.scores", "tokenizer.ggml.token_type"})
            if (const Value* v = find(m, key)) GS_FUZZ_CHECK(v->is_array() && v->count == n && v->bytes.size() == 4 * n);
        for (const KV& kv : m)
            if (kv.key.size() > 9 && kv.key.compare(kv.key.size() - 9, 9, "_token_id") == 0)
                GS_FUZZ_CHECK(kv.value.as_u64() < n);
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
