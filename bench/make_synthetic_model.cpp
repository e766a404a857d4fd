// Writes a Hugging Face model folder with TinyLlama-1.1B's shapes and random BF16 weights, for the conversion
// benchmark (scripts/bench-convert.sh). Nothing here is a real model: the point is the byte volume, tensor count
// and layout of a real 1.1B checkpoint.
//
// Usage: make_synthetic_model OUT_DIR --tokenizer-from DIR [--layers N] [--vocab N]
//
// One model.safetensors, not shards: TinyLlama's own repository ships a single 2.2 GB file, and one file lets the
// benchmark compare against a plain `cp` of exactly the input bytes. Tensors are laid out in name order, which is
// what Python's safetensors writes for a single-dtype model and the order the converter reads them in.
//
// The tokenizer is the --tokenizer-from folder's tokenizer.json, padded with never-merged tokens up to the vocab
// size, so the GGUF's token list matches token_embd's 32000 rows as a real model's would.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/util/half.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Shape {
    uint64_t hidden = 2048, ffn = 5632, vocab = 32000, layers = 22, heads = 32, kv_heads = 4;
};

struct TensorSpec {
    std::string name;
    std::vector<uint64_t> shape;
    bool is_norm;  // RMSNorm weights sit around 1, not around 0
    uint64_t numel() const {
        uint64_t n = 1;
        for (uint64_t d : shape) n *= d;
        return n;
    }
};

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "make_synthetic_model: %s\n", msg.c_str());
    std::exit(1);
}

std::vector<TensorSpec> tensors(const Shape& s) {
    const uint64_t head_dim = s.hidden / s.heads, kv = s.kv_heads * head_dim;
    std::vector<TensorSpec> t;
    t.push_back({"lm_head.weight", {s.vocab, s.hidden}, false});
    t.push_back({"model.embed_tokens.weight", {s.vocab, s.hidden}, false});
    t.push_back({"model.norm.weight", {s.hidden}, true});
    for (uint64_t l = 0; l < s.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        t.push_back({p + "input_layernorm.weight", {s.hidden}, true});
        t.push_back({p + "mlp.down_proj.weight", {s.hidden, s.ffn}, false});
        t.push_back({p + "mlp.gate_proj.weight", {s.ffn, s.hidden}, false});
        t.push_back({p + "mlp.up_proj.weight", {s.ffn, s.hidden}, false});
        t.push_back({p + "post_attention_layernorm.weight", {s.hidden}, true});
        t.push_back({p + "self_attn.k_proj.weight", {kv, s.hidden}, false});
        t.push_back({p + "self_attn.o_proj.weight", {s.hidden, s.hidden}, false});
        t.push_back({p + "self_attn.q_proj.weight", {s.hidden, s.hidden}, false});
        t.push_back({p + "self_attn.v_proj.weight", {kv, s.hidden}, false});
    }
    std::sort(t.begin(), t.end(), [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
    return t;
}

json config(const Shape& s) {
    return json{{"architectures", {"LlamaForCausalLM"}},
                {"attention_bias", false},
                {"bos_token_id", 1},
                {"eos_token_id", 2},
                {"hidden_act", "silu"},
                {"hidden_size", s.hidden},
                {"initializer_range", 0.02},
                {"intermediate_size", s.ffn},
                {"max_position_embeddings", 2048},
                {"model_type", "llama"},
                {"num_attention_heads", s.heads},
                {"num_hidden_layers", s.layers},
                {"num_key_value_heads", s.kv_heads},
                {"pretraining_tp", 1},
                {"rms_norm_eps", 1e-05},
                {"rope_scaling", nullptr},
                {"rope_theta", 10000.0},
                {"tie_word_embeddings", false},
                {"torch_dtype", "bfloat16"},
                {"transformers_version", "4.35.0"},
                {"use_cache", true},
                {"vocab_size", s.vocab}};
}

// Counter-based (splitmix64 finaliser) so each value depends only on its index: no serial state, cheap enough that
// writing 2.2 GB is bound by the disk, not by the generator.
inline uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Approximately N(mean, 0.02): the sum of four 16-bit uniforms (Irwin-Hall) is bell-shaped with the right spread,
// and a real checkpoint's initializer_range is 0.02 — the exponent range matters for F16 (some values land in
// F16's subnormals, as real weights do).
void fill(uint16_t* dst, size_t n, uint64_t first_index, float mean) {
    constexpr float kScale = 0.02f * 1.7320508f / 65536.f;  // sd of the 4-sum is 65536 / sqrt(3)
    for (size_t i = 0; i < n; ++i) {
        const uint64_t r = mix((first_index + i) * 0x9e3779b97f4a7c15ull);
        const int32_t sum = int32_t(r & 0xffff) + int32_t((r >> 16) & 0xffff) + int32_t((r >> 32) & 0xffff) +
                            int32_t(r >> 48) - 131070;
        dst[i] = gs::f32_to_bf16(mean + float(sum) * kScale);
    }
}

std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) die("cannot read " + p.string());
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
    if (!f) die("cannot write " + p.string());
}

void write_tokenizer(const fs::path& from, const fs::path& out, uint64_t vocab) {
    json tok = json::parse(read_file(from / "tokenizer.json"));
    json& v = tok["model"]["vocab"];
    uint64_t n = v.size();
    for (const auto& a : tok["added_tokens"]) n = std::max<uint64_t>(n, a["id"].get<uint64_t>() + 1);
    if (n > vocab) die("the tokenizer has " + std::to_string(n) + " tokens, more than the vocab size");
    for (uint64_t id = n; id < vocab; ++id) v["<synthetic_" + std::to_string(id) + ">"] = id;
    write_file(out / "tokenizer.json", tok.dump());
    for (const char* f : {"tokenizer_config.json", "special_tokens_map.json"})
        if (fs::exists(from / f)) fs::copy_file(from / f, out / f, fs::copy_options::overwrite_existing);
}

void write_safetensors(const fs::path& path, const std::vector<TensorSpec>& specs) {
    json header = json::object();
    header["__metadata__"] = {{"format", "pt"}};
    uint64_t off = 0;
    for (const auto& t : specs) {
        const uint64_t bytes = t.numel() * 2;
        header[t.name] = {{"dtype", "BF16"}, {"shape", t.shape}, {"data_offsets", {off, off + bytes}}};
        off += bytes;
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');  // Python's safetensors pads the header so the data starts 8-aligned

    const fs::path tmp = path.string() + ".partial";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) die("cannot create " + tmp.string() + ": " + std::strerror(errno));
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = uint8_t(uint64_t(h.size()) >> (8 * i));
    bool ok = std::fwrite(len, 1, 8, f) == 8 && std::fwrite(h.data(), 1, h.size(), f) == h.size();

    std::vector<uint16_t> buf(2u << 20);  // 4 MiB at a time: memory stays flat whatever the model size
    uint64_t index = 0;
    for (const auto& t : specs) {
        for (uint64_t done = 0, n = t.numel(); ok && done < n;) {
            const size_t k = size_t(std::min<uint64_t>(buf.size(), n - done));
            fill(buf.data(), k, index, t.is_norm ? 1.f : 0.f);
            ok = std::fwrite(buf.data(), 2, k, f) == k;
            done += k;
            index += k;
        }
    }
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        fs::remove(tmp);
        die("writing " + tmp.string() + " failed (disk full?)");
    }
    fs::rename(tmp, path);  // only a complete file gets the real name, so a cached model is never half-written
}

uint64_t parse_u64(const char* s, const char* what) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (!*s || *end || v == 0) die(std::string(what) + " must be a positive integer");
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    Shape s;
    std::string out, tok_from;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--tokenizer-from" && has_value) tok_from = argv[++i];
        else if (a == "--layers" && has_value) s.layers = parse_u64(argv[++i], "--layers");
        else if (a == "--vocab" && has_value) s.vocab = parse_u64(argv[++i], "--vocab");
        else if (!a.empty() && a[0] != '-' && out.empty()) out = a;
        else die("usage: make_synthetic_model OUT_DIR --tokenizer-from DIR [--layers N] [--vocab N]");
    }
    if (out.empty() || tok_from.empty())
        die("usage: make_synthetic_model OUT_DIR --tokenizer-from DIR [--layers N] [--vocab N]");

    const auto t0 = std::chrono::steady_clock::now();
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) die("cannot create " + out + ": " + ec.message());
    const auto specs = tensors(s);
    write_file(fs::path(out) / "config.json", config(s).dump(2) + "\n");
    write_tokenizer(tok_from, out, s.vocab);
    write_safetensors(fs::path(out) / "model.safetensors", specs);

    uint64_t params = 0;
    for (const auto& t : specs) params += t.numel();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %zu tensors, %llu parameters, %.1f MB of BF16 in %.1f s\n", out.c_str(), specs.size(),
                (unsigned long long)params, double(params) * 2 / 1e6, secs);
    return 0;
}
