#!/usr/bin/env python3
"""Converts ../shared/models/dev-llama-spm to F32, F16 and BF16 with our CLI and compares every tensor (name, type,
shape, sha256) and the architecture/tokenizer keys with the digests of llama.cpp's own conversions."""
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

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    digest = os.path.join(a.shared, "tools", "ggufdigest.py")
    failed = 0
    for t, ref in CASES:
        out = os.path.join(a.work, "dev-llama-spm-%s.gguf" % t)
        subprocess.run([a.cli, "convert", model, "-t", t, "-o", out, "--quiet"], check=True, stdout=subprocess.DEVNULL)
        r = subprocess.run([sys.executable, digest, "--compare", os.path.join(a.shared, "golden", "models", "dev-llama-spm", ref),
                            out, "--keys", KEYS], capture_output=True, text=True)
        print("%s vs %s: %s" % (t, ref, r.stdout.strip().replace("\n", "\n  ")))
        if r.returncode != 0: failed += 1
        os.remove(out)
    print("%d passed, %d failed" % (len(CASES) - failed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
