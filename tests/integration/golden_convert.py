#!/usr/bin/env python3
"""dev-llama-spm through our CLI against the digests of llama.cpp's own outputs
(../shared/golden/models/dev-llama-spm): F32/F16/BF16 conversions, and every llama-quantize output — with and
without the importance matrix — made in ONE pass straight from the safetensors folder AND requantized from the
F32 GGUF we write. Every tensor's name, type, shape and sha256, the architecture/tokenizer/imatrix keys, and for
quantized outputs llama-quantize's tensor order must be identical. Every reference runs: a type ggufsmith cannot
write fails the test."""
import argparse, json, os, subprocess, sys

KEYS = ",".join([
    "general.architecture", "general.file_type", "general.quantization_version",
    "llama.attention.head_count", "llama.attention.head_count_kv", "llama.attention.layer_norm_rms_epsilon",
    "llama.block_count", "llama.context_length", "llama.embedding_length", "llama.feed_forward_length",
    "llama.rope.dimension_count", "llama.rope.freq_base", "llama.vocab_size",
    "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
    "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
    "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
    "tokenizer.ggml.add_eos_token", "general.size_label", "general.name",
    "quantize.imatrix.file", "quantize.imatrix.dataset", "quantize.imatrix.chunks_count",
    "quantize.imatrix.entries_count",
])
CONVERT_CASES = [("F32", "ref.F32.json"), ("F16", "convert.f16.json"), ("BF16", "convert.bf16.json")]

def quantize_cases(golden_dir):
    """(type, reference, with imatrix) for every llama-quantize digest (Q4_K_L is our profile of that name)."""
    out = []
    for f in sorted(os.listdir(golden_dir)):
        if f.startswith("ref.") and f.endswith(".json") and f != "ref.F32.json":
            name = f[4:-5]
            imatrix = name.endswith(".imatrix")
            out.append((name[:-8] if imatrix else name, f, imatrix))
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    a = ap.parse_args()
    a.cli, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.shared, a.work))
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    golden = os.path.join(a.shared, "golden", "models", "dev-llama-spm")
    digest = os.path.join(a.shared, "tools", "ggufdigest.py")
    passed = failed = 0

    def check(label, ref, out, order=False):
        nonlocal passed, failed
        r = subprocess.run([sys.executable, digest, "--compare", os.path.join(golden, ref), out, "--keys", KEYS],
                           capture_output=True, text=True)
        ok = r.returncode == 0
        msg = r.stdout.strip().replace("\n", "; ")
        if ok and order:
            want = json.load(open(os.path.join(golden, ref)))["tensor_order"]
            got = json.loads(subprocess.run([sys.executable, digest, out], capture_output=True, text=True, check=True).stdout)["tensor_order"]
            if got != want:
                ok, msg = False, msg + "; tensor order differs from llama-quantize's"
        print("%-28s vs %-26s %s" % (label, ref, msg))
        passed += ok; failed += not ok

    def convert(src, t, out, imatrix):
        # run from the model folder so quantize.imatrix.file records "imatrix.dat", as in the references
        cmd = [a.cli, "convert", src, "-t", t, "-o", out, "--quiet"] + (["--imatrix", "imatrix.dat"] if imatrix else [])
        return subprocess.run(cmd, cwd=model, capture_output=True, text=True)

    for t, ref in CONVERT_CASES:
        out = os.path.join(a.work, "dev-%s.gguf" % t)
        r = convert(model, t, out, False)
        if r.returncode != 0: print("convert %s failed: %s" % (t, r.stderr.strip())); failed += 1; continue
        check(t, ref, out)
        if t != "F32": os.remove(out)
    f32 = os.path.join(a.work, "dev-F32.gguf")
    for t, ref, imatrix in quantize_cases(golden):
        for source, label in ((model, "safetensors"), (f32, "F32 GGUF")):
            out = os.path.join(a.work, "dev-q.gguf")
            r = convert(source, t, out, imatrix)
            if r.returncode != 0:
                print("%s from %s failed: %s" % (t, label, r.stderr.strip())); failed += 1
                continue
            # a plain F16/BF16 conversion from safetensors keeps the converter's order (convert.*.json); everything
            # else is llama-quantize's output and must be in its order
            plain = source == model and t in ("F16", "BF16")
            check("%s%s from %s" % (t, "+imatrix" if imatrix else "", label), ref, out, order=not plain)
            os.remove(out)
    os.remove(f32)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
