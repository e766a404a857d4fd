#!/usr/bin/env python3
"""Writes the malformed-input corpus: one folder per case under tests/malformed/, each a tiny synthetic Llama (a few KB)
with one thing wrong, plus cases.json (case -> what is wrong, the substrings its one-line error must contain, extra CLI
arguments). Deterministic: the same bytes on every run, so the committed folders can be regenerated and diffed.

    python3 tests/malformed/generate.py [--out tests/malformed]   # rewrite the corpus
    python3 tests/malformed/generate.py --check                   # exit 1 unless the committed corpus is current

The healthy bases ("ok-*") must convert; every other case must fail with exit code 1 and its message, in the CLI
(tests/integration/cli_errors.py) and in the wasm module under node (tests/web/malformed.test.mjs) alike."""
import argparse, json, os, shutil, struct, sys, tempfile

SPACE = "\u2581"  # SentencePiece's space

# ---------------------------------------------------------------- the healthy model

def values(n, seed):
    """n deterministic pseudo-random floats in [-0.125, 0.125) (an LCG, not random: the bytes must not change)."""
    out, x = [], seed & 0xFFFFFFFF
    for _ in range(n):
        x = (1103515245 * x + 12345) & 0x7FFFFFFF
        out.append((x / 0x7FFFFFFF - 0.5) / 4)
    return out

def bf16(floats):
    return b"".join(struct.pack("<f", f)[2:] for f in floats)

def config(layers=1, hidden=8, inter=16, heads=2, kv_heads=1, vocab=32, **extra):
    c = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": hidden,
         "intermediate_size": inter, "num_hidden_layers": layers, "num_attention_heads": heads,
         "num_key_value_heads": kv_heads, "vocab_size": vocab, "max_position_embeddings": 64, "rms_norm_eps": 1e-05,
         "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": True, "bos_token_id": 1,
         "eos_token_id": 2, "torch_dtype": "bfloat16"}
    c.update(extra)
    return c

def llama_tensors(layers=1, hidden=8, inter=16, heads=2, kv_heads=1, vocab=32):
    """[(name, shape)] in the checkpoint's order (sorted, as safetensors writes them)."""
    hd = hidden // heads
    t = [("model.embed_tokens.weight", [vocab, hidden]), ("model.norm.weight", [hidden])]
    for i in range(layers):
        p = "model.layers.%d." % i
        t += [(p + "input_layernorm.weight", [hidden]), (p + "post_attention_layernorm.weight", [hidden]),
              (p + "self_attn.q_proj.weight", [heads * hd, hidden]), (p + "self_attn.k_proj.weight", [kv_heads * hd, hidden]),
              (p + "self_attn.v_proj.weight", [kv_heads * hd, hidden]), (p + "self_attn.o_proj.weight", [hidden, heads * hd]),
              (p + "mlp.gate_proj.weight", [inter, hidden]), (p + "mlp.up_proj.weight", [inter, hidden]),
              (p + "mlp.down_proj.weight", [hidden, inter])]
    return sorted(t)

def numel(shape):
    n = 1
    for d in shape: n *= d
    return n

def tensor_data(tensors):
    """{name: bf16 bytes}: norms are 1.0 (as a trained model's roughly are), the rest small noise."""
    out = {}
    for i, (name, shape) in enumerate(tensors):
        out[name] = bf16([1.0] * numel(shape)) if len(shape) == 1 else bf16(values(numel(shape), 1000 + i))
    return out

def safetensors(tensors, data, header_extra=None, dtype="BF16"):
    """A valid file: header (tensors in the given order, data in that order) padded to 8 bytes, then the data."""
    header, blob = {"__metadata__": {"format": "pt"}}, b""
    for name, shape in tensors:
        d = data[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(d)]}
        blob += d
    if header_extra: header.update(header_extra)
    return st_raw(json.dumps(header, separators=(",", ":")).encode(), blob)

def st_raw(header_bytes, blob):
    h = header_bytes + b" " * (-len(header_bytes) % 8)
    return struct.pack("<Q", len(h)) + h + blob

def split_header(st):
    n = struct.unpack("<Q", st[:8])[0]
    return json.loads(st[8:8 + n]), st[8 + n:]

def st_from_header(header, blob):
    return st_raw(json.dumps(header, separators=(",", ":")).encode(), blob)

# SentencePiece tokenizer.model: ModelProto{pieces=1{piece=1, score=2, type=3}, trainer_spec=2, normalizer_spec=3}.
def pb_varint(v):
    out = b""
    while True:
        b, v = v & 0x7F, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out

def pb_key(field, wire): return pb_varint(field << 3 | wire)
def pb_bytes(field, payload): return pb_key(field, 2) + pb_varint(len(payload)) + payload
def pb_int(field, v): return pb_key(field, 0) + pb_varint(v)
def pb_float(field, f): return pb_key(field, 5) + struct.pack("<f", f)

def spm_pieces(n):
    pieces = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)]
    letters = "etaoinshrdlucmfwygpbvkxqjz"
    for i in range(n - 3):
        pieces.append(((SPACE if i < len(letters) else SPACE + SPACE) + letters[i % len(letters)], -float(i + 1), 1))
    return pieces

def tokenizer_model(n=32):
    out = b""
    for piece, score, typ in spm_pieces(n):
        out += pb_bytes(1, pb_bytes(1, piece.encode()) + pb_float(2, score) + (pb_int(3, typ) if typ != 1 else b""))
    out += pb_bytes(2, pb_int(3, 1) + pb_int(4, n) + pb_int(40, 0) + pb_int(41, 1) + pb_int(42, 2) + pb_int(43, 0xFFFFFFFFFFFFFFFF))
    out += pb_bytes(3, pb_bytes(1, b"identity") + pb_int(3, 1) + pb_int(4, 1) + pb_int(5, 1))
    return out

def tokenizer_json(n=32):
    """A byte-level BPE (GPT-2 style) tokenizer.json with n tokens: letters, then merges of them."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = {ch: i for i, ch in enumerate(letters)}
    merges = []
    pairs = ["th", "he", "in", "er", "an", "re"]
    for p in pairs:
        if len(vocab) >= n - 1: break
        vocab[p] = len(vocab); merges.append(p[0] + " " + p[1])
    vocab["<|endoftext|>"] = len(vocab)
    assert len(vocab) == n
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [{"id": n - 1, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                              "rstrip": False, "normalized": False, "special": True}],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": None, "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                                                "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": vocab, "merges": merges}}

def jdump(obj): return json.dumps(obj, indent=1, ensure_ascii=False).encode() + b"\n"

LFS = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 6291520\n"

# ---------------------------------------------------------------- the cases

class Corpus:
    def __init__(self):
        self.cases = []

    def add(self, name, what, expect, files, args=None, wasm=True):
        assert all(c.isalnum() or c == "-" for c in name) and name not in (c["name"] for c, _ in self.cases), name
        c = {"name": name, "what": what, "expect": expect}
        if args: c["args"] = args
        if not wasm: c["wasm"] = False
        self.cases.append((c, files))

def build():
    cz = Corpus()
    T = llama_tensors()
    D = tensor_data(T)
    W = safetensors(T, D)
    header, blob = split_header(W)
    cfg = config()
    spm = {"config.json": jdump(cfg), "model.safetensors": W, "tokenizer.model": tokenizer_model()}
    bpe = {"config.json": jdump(cfg), "model.safetensors": W, "tokenizer.json": jdump(tokenizer_json())}
    q = "model.layers.0.self_attn.q_proj.weight"
    k = "model.layers.0.self_attn.k_proj.weight"

    def spm_with(**changes):
        f = dict(spm)
        for key, v in changes.items():
            key = key.replace("__", ".")
            if v is None: f.pop(key, None)
            else: f[key] = v
        return f

    def bpe_with(**changes):
        f = dict(bpe)
        for key, v in changes.items():
            key = key.replace("__", ".")
            if v is None: f.pop(key, None)
            else: f[key] = v
        return f

    def with_header(mutate):
        h = json.loads(json.dumps(header))
        mutate(h)
        return st_from_header(h, blob)

    def cfg_with(**kv):
        c = dict(cfg)
        for key, v in kv.items():
            if v is None: c.pop(key, None)
            else: c[key] = v
        return jdump(c)

    # controls: the healthy bases convert
    cz.add("ok-sentencepiece", "healthy control: tokenizer.model", "ok", spm)
    cz.add("ok-bpe-tokenizer-json", "healthy control: byte-level BPE tokenizer.json", "ok", bpe)
    # a sharded copy: the index's shards and names agree
    T1 = [t for t in T if not t[0].startswith("model.layers.")]
    T2 = [t for t in T if t[0].startswith("model.layers.")]
    s1, s2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
    shard1, shard2 = safetensors(T1, D), safetensors(T2, D)
    wm = {n: s1 for n, _ in T1}
    wm.update({n: s2 for n, _ in T2})
    index = {"metadata": {"total_size": sum(len(D[n]) for n, _ in T)}, "weight_map": dict(sorted(wm.items()))}
    sharded = spm_with(model__safetensors=None, **{s1.replace(".", "__"): shard1, s2.replace(".", "__"): shard2},
                       model__safetensors__index__json=jdump(index))
    cz.add("ok-sharded", "healthy control: two shards and model.safetensors.index.json", "ok", sharded)

    # ---- the weights file itself
    cz.add("weights-lfs-pointer", "model.safetensors is a Git LFS pointer, not the weights",
           ["model.safetensors", "Git LFS pointer", "git lfs pull"], spm_with(model__safetensors=LFS))
    cz.add("weights-zero-length", "model.safetensors is empty", ["model.safetensors", "empty"],
           spm_with(model__safetensors=b""))
    cz.add("weights-shorter-than-length-field", "model.safetensors has 5 bytes, fewer than the 8-byte header length",
           ["model.safetensors", "too small"], spm_with(model__safetensors=W[:5]))
    cz.add("weights-missing", "no .safetensors file at all", ["weights-missing", "no .safetensors files"],
           spm_with(model__safetensors=None))
    n = struct.unpack("<Q", W[:8])[0]
    cz.add("weights-truncated-in-header", "model.safetensors ends inside its JSON header",
           ["model.safetensors", "header length", "truncated"], spm_with(model__safetensors=W[:8 + n // 2]))
    cz.add("weights-truncated-in-data", "model.safetensors ends inside its tensor data",
           ["model.safetensors", "truncated"], spm_with(model__safetensors=W[:len(W) - 100]))
    cz.add("header-length-zero", "the header length field is 0", ["model.safetensors", "header length is 0"],
           spm_with(model__safetensors=struct.pack("<Q", 0) + blob))
    cz.add("header-length-past-end", "the header length points past the end of the file",
           ["model.safetensors", "header length", "runs past the end"],
           spm_with(model__safetensors=struct.pack("<Q", len(W)) + W[8:]))
    cz.add("header-length-absurd", "the header length is 2^62 (not a safetensors file)",
           ["model.safetensors", "header length", "100 MB limit"],
           spm_with(model__safetensors=struct.pack("<Q", 1 << 62) + W[8:]))
    cz.add("header-not-json", "the header is not JSON", ["model.safetensors", "header is not valid JSON"],
           spm_with(model__safetensors=st_raw(b'{"model.norm.weight": {"dtype": BF16}}', blob)))
    cz.add("header-not-object", "the header is a JSON array", ["model.safetensors", "header is not a JSON object"],
           spm_with(model__safetensors=st_raw(b"[1, 2, 3]", blob)))
    hj = json.dumps(header, separators=(",", ":")).encode()
    cz.add("header-invalid-utf8", "the header JSON holds a byte that is not UTF-8 (in __metadata__)",
           ["model.safetensors", "header is not valid JSON", "UTF-8"],
           spm_with(model__safetensors=st_raw(hj.replace(b'"pt"', b'"p\xfft"'), blob)))
    cz.add("tensor-name-invalid-utf8", "a tensor name holds bytes that are not UTF-8",
           ["model.safetensors", "header is not valid JSON", "UTF-8"],
           spm_with(model__safetensors=st_raw(hj.replace(b'"model.norm.weight"', b'"model.norm\xc3\x28weight"'), blob)))
    long_name = "model.layers.0." + "x" * 2000 + ".weight"
    cz.add("tensor-name-too-long", "a tensor name is 2022 bytes long",
           ["model.safetensors", "tensor name is 2022 bytes"],
           spm_with(model__safetensors=with_header(lambda h: h.__setitem__(long_name, h.pop("model.norm.weight")))))
    dup = hj.replace(b'"model.norm.weight":', b'"model.norm.weight":{"dtype":"BF16","shape":[8],"data_offsets":[0,16]},"model.norm.weight":', 1)
    cz.add("header-duplicate-tensor-key", "the header JSON names the same tensor twice",
           ["model.safetensors", "model.norm.weight", "appears twice"], spm_with(model__safetensors=st_raw(dup, blob)))
    cz.add("header-entry-not-object", "a tensor's header entry is a string, not an object",
           ["model.safetensors", "model.norm.weight", "not a JSON object"],
           spm_with(model__safetensors=with_header(lambda h: h.__setitem__("model.norm.weight", "BF16"))))
    cz.add("metadata-value-not-string", "a __metadata__ value is a number (safetensors allows strings only)",
           ["model.safetensors", "__metadata__", "not a string"],
           spm_with(model__safetensors=with_header(lambda h: h["__metadata__"].__setitem__("format", 1))))

    def set_field(name, key, value):
        return lambda h: h[name].__setitem__(key, value)
    off = header[q]["data_offsets"]
    cz.add("data-offsets-reversed", "a tensor's data_offsets end before they begin",
           ["model.safetensors", q, "is before begin"],
           spm_with(model__safetensors=with_header(set_field(q, "data_offsets", [off[1], off[0]]))))
    cz.add("data-offsets-past-end", "a tensor's data_offsets run past the end of the file",
           ["model.safetensors", "model.norm.weight", "truncated file?"],
           spm_with(model__safetensors=with_header(set_field("model.norm.weight", "data_offsets", [len(blob), len(blob) + 16]))))
    ko = header[k]["data_offsets"]
    cz.add("data-offsets-overlap", "two tensors' data ranges overlap",
           ["model.safetensors", "overlaps tensor"],
           spm_with(model__safetensors=with_header(set_field(q, "data_offsets", [ko[0], ko[0] + off[1] - off[0]]))))
    cz.add("data-size-not-shape-times-dtype", "a tensor's byte range does not match its shape and dtype",
           ["model.safetensors", q, "byte range is 128 bytes", "needs 112"],
           spm_with(model__safetensors=with_header(set_field(q, "shape", [8, 7]))))
    cz.add("shape-negative", "a shape entry is -8", ["model.safetensors", q, "shape entry must be a non-negative integer"],
           spm_with(model__safetensors=with_header(set_field(q, "shape", [-8, -8]))))
    cz.add("shape-not-integer", "a shape entry is 8.5", ["model.safetensors", q, "shape entry must be a non-negative integer"],
           spm_with(model__safetensors=with_header(set_field(q, "shape", [8.5, 8]))))
    cz.add("dtype-unknown", "a tensor's dtype is \"Q4\"", ["model.safetensors", q, "unknown dtype \"Q4\""],
           spm_with(model__safetensors=with_header(set_field(q, "dtype", "Q4"))))
    cz.add("dtype-integer-weight", "a weight is stored as I16 (no float to convert)",
           ["model.safetensors", q, "dtype I16 cannot be converted"],
           spm_with(model__safetensors=with_header(set_field(q, "dtype", "I16"))))

    # ---- shards and the index
    cz.add("shard-truncated", "the second shard of an indexed model is cut short",
           [s2, "truncated"], dict(sharded, **{s2: shard2[:len(shard2) // 2]}))
    cz.add("shard-lfs-pointer", "the second shard of an indexed model is a Git LFS pointer",
           [s2, "Git LFS pointer"], dict(sharded, **{s2: LFS}))
    idx = "model.safetensors.index.json"
    def index_with(mutate):
        j = json.loads(json.dumps(index)); mutate(j); return jdump(j)
    cz.add("index-missing-shard", "the index names a shard that is not in the folder",
           [idx, "model-00002-of-00002.safetensors", "not in the folder"],
           {k2: v for k2, v in sharded.items() if k2 != s2})
    cz.add("index-tensor-not-in-shard", "the index lists a tensor its shard does not hold",
           [s1, "model.layers.0.missing.weight", "lists this tensor but the shard lacks it"],
           dict(sharded, **{idx: index_with(lambda j: j["weight_map"].__setitem__("model.layers.0.missing.weight", s1))}))
    cz.add("index-misses-shard-tensor", "a shard holds a tensor the index does not list",
           [s2, q, "not listed in " + idx],
           dict(sharded, **{idx: index_with(lambda j: j["weight_map"].pop(q))}))
    cz.add("index-wrong-shard-for-tensor", "the index puts a tensor in the other shard",
           [s2, q, idx + " says this tensor is in " + s1],
           dict(sharded, **{idx: index_with(lambda j: j["weight_map"].__setitem__(q, s1))}))
    cz.add("index-not-json", "model.safetensors.index.json is not JSON", [idx, "not valid JSON"],
           dict(sharded, **{idx: b'{"weight_map": {"model.norm.weight": "model-00001-of-00002.safetensors",}}\n'}))
    cz.add("index-no-weight-map", "the index has no weight_map", [idx, "weight_map"],
           dict(sharded, **{idx: jdump({"metadata": {"total_size": 1}})}))
    cz.add("index-weight-map-empty", "the index's weight_map is empty", [idx, "weight_map is empty"],
           dict(sharded, **{idx: jdump({"metadata": {}, "weight_map": {}})}))
    cz.add("index-shard-outside-folder", "the index names a shard by a path outside the folder",
           [idx, "not a plain file name"],
           dict(sharded, **{idx: index_with(lambda j: j["weight_map"].__setitem__(q, "../" + s2))}))
    ij = jdump(index).replace(b'"weight_map": {', b'"weight_map": {\n  "model.norm.weight": "%s",' % s2.encode(), 1)
    cz.add("index-duplicate-key", "the index names one tensor twice (in different shards)",
           [idx, "model.norm.weight", "appears twice"], dict(sharded, **{idx: ij}))
    cz.add("tensor-in-two-shards", "two shards without an index both hold model.norm.weight",
           [s2, "model.norm.weight", "also appears in " + s1],
           {k2: v for k2, v in dict(sharded, **{s2: safetensors(sorted(T2 + [("model.norm.weight", [8])]), D)}).items()
            if k2 != idx})

    # ---- config.json
    cz.add("config-missing", "no config.json", ["config-missing", "no config.json"], spm_with(config__json=None))
    cz.add("config-zero-length", "config.json is empty", ["config.json", "empty"], spm_with(config__json=b""))
    cz.add("config-not-json", "config.json is not JSON (a trailing comma)", ["config.json", "not valid JSON"],
           spm_with(config__json=jdump(cfg)[:-3] + b",}\n"))
    cz.add("config-not-object", "config.json is a JSON array", ["config.json", "not a JSON object"],
           spm_with(config__json=b"[]\n"))
    cz.add("config-invalid-utf8", "config.json holds a byte that is not UTF-8", ["config.json", "not valid JSON", "UTF-8"],
           spm_with(config__json=jdump(cfg).replace(b'"llama"', b'"ll\xe9ama"')))
    cz.add("config-architectures-missing", "config.json has no \"architectures\"",
           ["config.json", "no \"architectures\"", "--force-arch"], spm_with(config__json=cfg_with(architectures=None)))
    cz.add("config-architecture-unknown", "config.json names an architecture ggufsmith does not know",
           ["config.json", "NotARealModel", "not supported", "LlamaForCausalLM"],
           spm_with(config__json=cfg_with(architectures=["NotARealModel"])))
    cz.add("config-hidden-size-string", "config.json's hidden_size is a string",
           ["config.json", "\"hidden_size\" must be a non-negative integer", "\"8\""],
           spm_with(config__json=cfg_with(hidden_size="8")))
    cz.add("config-num-layers-float", "config.json's num_hidden_layers is 1.5",
           ["config.json", "\"num_hidden_layers\" must be a non-negative integer"],
           spm_with(config__json=cfg_with(num_hidden_layers=1.5)))
    cz.add("config-hidden-size-vs-tensors", "config.json's hidden_size (16) disagrees with the tensors (8)",
           ["model.safetensors", "model.embed_tokens.weight", "hidden_size"],
           spm_with(config__json=cfg_with(hidden_size=16)))
    cz.add("config-intermediate-size-vs-tensors", "config.json's intermediate_size (24) disagrees with the MLP (16)",
           ["model.safetensors", "model.layers.0.mlp.down_proj.weight", "intermediate_size"],
           spm_with(config__json=cfg_with(intermediate_size=24)))
    cz.add("config-heads-not-dividing-hidden", "num_attention_heads (3) does not divide hidden_size (8)",
           ["config.json", "hidden_size 8 is not a multiple of num_attention_heads 3"],
           spm_with(config__json=cfg_with(num_attention_heads=3)))
    cz.add("config-kv-heads-not-dividing-heads", "num_key_value_heads (3) does not divide num_attention_heads (2)",
           ["config.json", "num_key_value_heads"], spm_with(config__json=cfg_with(num_key_value_heads=3)))
    cz.add("config-kv-heads-vs-tensors", "num_key_value_heads (2) disagrees with k_proj's rows",
           ["model.safetensors", k, "num_key_value_heads"], spm_with(config__json=cfg_with(num_key_value_heads=2)))
    cz.add("config-vocab-size-vs-embedding", "config.json's vocab_size (40) disagrees with the embedding's 32 rows",
           ["model.safetensors", "model.embed_tokens.weight", "vocab_size"], spm_with(config__json=cfg_with(vocab_size=40)))
    cz.add("config-more-layers-than-tensors", "num_hidden_layers is 2, the checkpoint holds layer 0 only",
           ["model.safetensors", "model.layers.1.", "num_hidden_layers"], spm_with(config__json=cfg_with(num_hidden_layers=2)))
    T2L = llama_tensors(layers=2)
    cz.add("config-fewer-layers-than-tensors", "num_hidden_layers is 1, the checkpoint holds layers 0 and 1",
           ["model.safetensors", "model.layers.1.", "beyond num_hidden_layers"],
           spm_with(model__safetensors=safetensors(T2L, tensor_data(T2L))))
    cz.add("layer-tensor-missing", "layer 0 has no k_proj", ["model.safetensors", k, "missing"],
           spm_with(model__safetensors=safetensors([t for t in T if t[0] != k], D)))
    cz.add("embedding-missing", "the checkpoint has no token embedding (nor lm_head)",
           ["model.safetensors", "model.embed_tokens.weight", "missing"],
           spm_with(model__safetensors=safetensors([t for t in T if t[0] != "model.embed_tokens.weight"], D)))
    cz.add("norm-wrong-rank", "a norm weight is 2-D", ["model.safetensors", "model.norm.weight", "shape"],
           spm_with(model__safetensors=with_header(set_field("model.norm.weight", "shape", [1, 8]))))
    cz.add("tensor-unknown-to-architecture", "a tensor llama's mapping does not know",
           ["model.safetensors", "model.layers.0.mlp.extra_proj.weight", "not recognised for architecture llama"],
           spm_with(model__safetensors=safetensors(sorted(T + [("model.layers.0.mlp.extra_proj.weight", [16, 8])]),
                                                    dict(D, **{"model.layers.0.mlp.extra_proj.weight": D["model.layers.0.mlp.up_proj.weight"]}))))

    # ---- the tokenizer
    cz.add("tokenizer-missing", "neither tokenizer.model nor tokenizer.json", ["tokenizer-missing", "no tokenizer"],
           spm_with(tokenizer__model=None))
    cz.add("tokenizer-model-lfs-pointer", "tokenizer.model is a Git LFS pointer", ["tokenizer.model", "Git LFS pointer"],
           spm_with(tokenizer__model=LFS))
    cz.add("tokenizer-model-zero-length", "tokenizer.model is empty", ["tokenizer.model", "empty"],
           spm_with(tokenizer__model=b""))
    tm = tokenizer_model()
    cz.add("tokenizer-model-truncated", "tokenizer.model is cut short (protobuf ends inside a field)",
           ["tokenizer.model", "not a valid protobuf", "truncated"], spm_with(tokenizer__model=tm[:len(tm) // 2 + 1]))
    cz.add("tokenizer-model-more-pieces-than-vocab", "tokenizer.model has 40 pieces, the embedding 32 rows",
           ["tokenizer.model", "40 pieces", "vocab_size 32"], spm_with(tokenizer__model=tokenizer_model(40)))
    tj = tokenizer_json()
    cz.add("tokenizer-json-lfs-pointer", "tokenizer.json is a Git LFS pointer", ["tokenizer.json", "Git LFS pointer"],
           bpe_with(tokenizer__json=LFS))
    cz.add("tokenizer-json-not-json", "tokenizer.json is cut short", ["tokenizer.json", "not valid JSON"],
           bpe_with(tokenizer__json=jdump(tj)[:300]))
    cz.add("tokenizer-json-no-model", "tokenizer.json has no \"model\"", ["tokenizer.json", "model: expected an object"],
           bpe_with(tokenizer__json=jdump({k2: v for k2, v in tj.items() if k2 != "model"})))
    bad = json.loads(json.dumps(tj)); bad["model"]["vocab"]["e"] = "4"
    cz.add("tokenizer-json-vocab-id-string", "a tokenizer.json vocab entry's id is a string",
           ["tokenizer.json", "model.vocab[\"e\"]", "expected an integer id"], bpe_with(tokenizer__json=jdump(bad)))
    bad = json.loads(json.dumps(tj)); bad["model"]["vocab"]["z"] = 1 << 60
    cz.add("tokenizer-json-huge-token-id", "a tokenizer.json token id is 2^60",
           ["tokenizer.json", "model.vocab[\"z\"]", "1152921504606846976"], bpe_with(tokenizer__json=jdump(bad)))
    bad = json.loads(json.dumps(tj)); bad["model"]["merges"][0] = "t h e"
    cz.add("tokenizer-json-bad-merge", "a tokenizer.json merge is three tokens",
           ["tokenizer.json", "model.merges[0]", "not two tokens"], bpe_with(tokenizer__json=jdump(bad)))
    bigger = tokenizer_json(33)
    cz.add("tokenizer-json-more-tokens-than-embedding", "tokenizer.json has 33 tokens, the embedding 32 rows",
           ["tokenizer.json", "33 tokens", "32"], bpe_with(tokenizer__json=jdump(bigger)))
    cz.add("tokenizer-config-not-json", "tokenizer_config.json is not JSON", ["tokenizer_config.json", "not valid JSON"],
           spm_with(tokenizer_config__json=b'{"add_bos_token": true,\n'))

    # ---- --imatrix (CLI only: the page takes no importance matrix)
    big_cfg = config(hidden=32, inter=32, heads=2, kv_heads=1)
    TB = llama_tensors(hidden=32, inter=32)
    big = {"config.json": jdump(big_cfg), "model.safetensors": safetensors(TB, tensor_data(TB)),
           "tokenizer.model": tokenizer_model()}
    def imatrix_dat(entries):
        out = struct.pack("<i", len(entries))
        for name, vals in entries:
            out += struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", 1, len(vals))
            out += struct.pack("<%df" % len(vals), *vals)
        return out + struct.pack("<i", 1) + struct.pack("<i", 4) + b"test"
    good_im = imatrix_dat([("blk.0.attn_q.weight", [1.0] * 32)])
    cz.add("imatrix-truncated", "the --imatrix file is cut short", ["imatrix.dat", "truncated"],
           dict(big, **{"imatrix.dat": good_im[:30]}), args=["-t", "Q8_0", "--imatrix", "imatrix.dat"])
    cz.add("imatrix-lfs-pointer", "the --imatrix file is a Git LFS pointer", ["imatrix.dat", "Git LFS pointer"],
           dict(big, **{"imatrix.dat": LFS}), args=["-t", "Q8_0", "--imatrix", "imatrix.dat"])
    cz.add("imatrix-wrong-row-length", "the --imatrix entry for attn_q has 16 weights, its rows 32",
           ["imatrix.dat", "blk.0.attn_q.weight", "has 16 weights"],
           dict(big, **{"imatrix.dat": imatrix_dat([("blk.0.attn_q.weight", [1.0] * 16)])}),
           args=["-t", "Q8_0", "--imatrix", "imatrix.dat"])
    return cz

def write(cz, out):
    for entry in os.listdir(out):  # every case folder is rewritten: a renamed case must not linger
        if os.path.isdir(os.path.join(out, entry)) and entry != "__pycache__": shutil.rmtree(os.path.join(out, entry))
    for c, files in cz.cases:
        d = os.path.join(out, c["name"])
        os.makedirs(d)
        for fn, content in sorted(files.items()):
            with open(os.path.join(d, fn), "wb") as f: f.write(content)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"about": "tests/malformed/generate.py wrote this and the folders beside it; see docs/reliability.md",
                   "cases": [c for c, _ in cz.cases]}, f, indent=1, ensure_ascii=False)
        f.write("\n")

def tree(d):
    """{relative path: bytes} of the corpus files under d (generate.py itself and caches aside)."""
    out = {}
    for root, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if x != "__pycache__"]
        for fn in files:
            p = os.path.join(root, fn)
            if os.path.relpath(p, d) != "generate.py": out[os.path.relpath(p, d)] = open(p, "rb").read()
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--check", action="store_true", help="regenerate into a temporary folder and compare with --out")
    a = ap.parse_args()
    cz = build()
    if a.check:
        with tempfile.TemporaryDirectory() as tmp:
            write(cz, tmp)
            want, have = tree(tmp), tree(a.out)
        differ = sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
        for k in differ[:20]: print("differs:", k)
        print("%d cases; %s" % (len(cz.cases), "%d files differ from %s" % (len(differ), a.out) if differ else "the corpus is current"))
        sys.exit(1 if differ else 0)
    write(cz, a.out)
    print("%d cases (%d controls) in %s" % (len(cz.cases), sum(c["expect"] == "ok" for c, _ in cz.cases), a.out))

if __name__ == "__main__":
    main()
