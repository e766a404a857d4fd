#!/usr/bin/env python3
"""Converts ../shared/models/dev-llama-spm with our CLI — F32, F16, BF16 and every llama-quantize type in
../shared/golden/models/dev-llama-spm, straight from safetensors in one pass — and compares every tensor (name,
type, shape, sha256) and the architecture/tokenizer keys with the digests of llama.cpp's own outputs."""
import argparse, os, subprocess, sys

KEYS = ",".join([
    "general.architecture", "general.file_type", "general.quantization_version",
    "llama.attention.head_count", "llama.attention.head_count_kv", "llama.attention.layer_norm_rms_epsilon",
    "llama.block_count", "llama.context_length", "llama.embedding_length", "llama.feed_forward_length",
    "llama.rope.dimension_count", "llama.rope.freq_base", "llama.vocab_size",
    "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
    "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
    "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
    "tokenizer.ggml.add_eos_token", "general.size_label", "general.name",
])
CASES = [("F32", "ref.F32.json"), ("F16", "convert.f16.json"), ("BF16", "convert.bf16.json")]

def quantize_cases(golden_dir):
    """ref.<TYPE>.json made by llama-quantize without an imatrix (Q4_K_L is our profile of the same name)."""
    out = []
    for f in sorted(os.listdir(golden_dir)):
        if f.startswith("ref.") and f.endswith(".json") and ".imatrix" not in f and f != "ref.F32.json":
            out.append((f[4:-5], f))
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    digest = os.path.join(a.shared, "tools", "ggufdigest.py")
    failed = 0
    cases = CASES + quantize_cases(os.path.join(a.shared, "golden", "models", "dev-llama-spm"))
    for t, ref in cases:
        out = os.path.join(a.work, "dev-llama-spm-%s.gguf" % t)
        subprocess.run([a.cli, "convert", model, "-t", t, "-o", out, "--quiet"], check=True, stdout=subprocess.DEVNULL)
        r = subprocess.run([sys.executable, digest, "--compare", os.path.join(a.shared, "golden", "models", "dev-llama-spm", ref),
                            out, "--keys", KEYS], capture_output=True, text=True)
        print("%s vs %s: %s" % (t, ref, r.stdout.strip().replace("\n", "\n  ")))
        if r.returncode != 0: failed += 1
        os.remove(out)
    print("%d passed, %d failed" % (len(cases) - failed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
