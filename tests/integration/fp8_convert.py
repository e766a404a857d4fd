#!/usr/bin/env python3
"""FP8 checkpoints through the CLI, against numpy.

Generates tiny Llama checkpoints the way FP8 checkpoints are published (random weights quantized here to FP8 with
their scales; embeddings and norms BF16; tinystories-656k tokenizer) in four layouts:

  e4m3-block128   quant_method fp8, weight_block_size [128, 128], F32 weight_scale_inv (DeepSeek-V3/R1,
                  Qwen3-FP8); hidden 192 / ffn 320 / head_dim 32, so most scale blocks are ragged
  e4m3-block24x40 the same with [24, 40] blocks and BF16 scales: q/k heads of 32 rows straddle the 24-row blocks,
                  so the rotary permutation must carry each row's own scales
  e5m2-tensor     quant_method fp8 without a block size, E5M2 weights, one F32 scale per tensor
  ct-channel      compressed-tensors float-quantized, strategy channel: BF16 weight_scale [rows, 1], plus the
                  input_scale tensors llama.cpp does not use

For each: `convert -t F32` must give, tensor for tensor and bit for bit, the values numpy computes from the stored
bytes (FP8 decoded from the bit layout written here, times the f32 scale, one float32 multiply; q/k permuted as
llama.cpp's converter does), with no scale tensor in the output. `convert -t Q8_0` straight from FP8 must be
byte-identical to `convert -t Q8_0` of an F32 safetensors copy of the dequantized model (ggufsmith's Q8_0 matches
llama.cpp's bytes: tests/quant). With --js (tests/js with node_modules), the F32 and Q8_0 files of the first layout
also run in real llama.cpp, last-token logits against a float64 numpy forward pass of the dequantized weights.

Then 12 broken variants of the first checkpoint (missing/misshapen/orphan scales, no quantization_config, bad or
missing block size, GPTQ/AWQ/bitsandbytes/compressed-tensors INT8 configs, a qweight tensor) must each fail through
the CLI with exit code 1, one line naming the file/tensor and the problem, and no output left behind.

Needs numpy (/usr/bin/python3 on Debian). Ends with "N passed, M failed".
"""
import argparse, json, os, shutil, struct, subprocess, sys

from checks import Checks

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "arch"))
try:
    import numpy as np
except ImportError:
    print("FAIL: numpy is not installed for %s (Debian: apt-get install python3-numpy, run with /usr/bin/python3)"
          % sys.executable)
    print("0 passed, 1 failed")
    sys.exit(1)

import models  # noqa: E402  (tiny llama config, weights and the float64 reference forward pass)

# ---- FP8, from the bit layouts ---------------------------------------------------------------------------------

def decode_fp8(codes, fmt):
    """uint8 codes -> float64 values. E4M3 (torch float8_e4m3fn): bias 7, 3 mantissa bits, only S.1111.111 is NaN,
    no infinities. E5M2: bias 15, 2 mantissa bits, exponent 31 is inf/NaN."""
    c = codes.astype(np.int64)
    ebits, mbits = (4, 3) if fmt == "F8_E4M3" else (5, 2)
    bias = (1 << (ebits - 1)) - 1
    s = c >> 7
    e = (c >> mbits) & ((1 << ebits) - 1)
    m = (c & ((1 << mbits) - 1)).astype(np.float64)
    normal = np.ldexp(1.0 + m / (1 << mbits), e - bias)
    sub = np.ldexp(m / (1 << mbits), 1 - bias)
    v = np.where(e == 0, sub, normal)
    if fmt == "F8_E4M3":
        v = np.where((e == 15) & (m == 7), np.nan, v)
    else:
        v = np.where(e == 31, np.where(m == 0, np.inf, np.nan), v)
    return np.where(s == 1, -v, v)


def encode_fp8(x, fmt):
    """float -> nearest finite FP8 code (for generating checkpoints; any rounding would do)."""
    pos = np.arange(128, dtype=np.uint8)
    vals = decode_fp8(pos, fmt)
    ok = np.isfinite(vals)
    pos, vals = pos[ok], vals[ok]  # ascending with the code
    a = np.abs(x).astype(np.float64)
    i = np.clip(np.searchsorted(vals, a), 1, len(vals) - 1)
    nearest = np.where(a - vals[i - 1] <= vals[i] - a, i - 1, i)
    return (pos[nearest] | np.where(x < 0, 0x80, 0).astype(np.uint8)).astype(np.uint8)


def to_bf16(a):
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


# ---- safetensors with raw dtypes --------------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """tensors: list of (name, dtype, shape, raw little-endian bytes)."""
    header, off, blobs = {}, 0, []
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)


# ---- GGUF reading ------------------------------------------------------------------------------------------------

def read_gguf(path):
    """{name: (type id, ne, raw bytes)} for F32 (0), BF16 (30) and Q8_0 (8) tensors."""
    b = open(path, "rb").read()
    o = [4]

    def u(fmt):
        v = struct.unpack_from("<" + fmt, b, o[0])
        o[0] += struct.calcsize("<" + fmt)
        return v[0]

    def s():
        n = u("Q")
        o[0] += n
        return b[o[0] - n:o[0]].decode()

    def val(t):
        f = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
        if t in f:
            return u(f[t])
        if t == 8:
            return s()
        et, n = u("I"), u("Q")
        return [val(et) for _ in range(n)]

    assert b[:4] == b"GGUF"
    u("I")
    nt, nkv = u("Q"), u("Q")
    kv = {}
    for _ in range(nkv):
        k = s()
        kv[k] = val(u("I"))
    infos = []
    for _ in range(nt):
        name = s()
        ne = [u("Q") for _ in range(u("I"))]
        infos.append((name, ne, u("I"), u("Q")))
    base = (o[0] + 31) // 32 * 32
    out = {}
    for name, ne, t, off in infos:
        n = int(np.prod(ne))
        size = {0: 4 * n, 30: 2 * n, 8: n // 32 * 34}[t]
        out[name] = (t, ne, b[base + off:base + off + size])
    return kv, out


# ---- the checkpoints -----------------------------------------------------------------------------------------------

LAYOUTS = {
    # name: (config quantization_config, weight dtype, block or None, scale dtype, scale kind)
    "e4m3-block128": ({"quant_method": "fp8", "activation_scheme": "dynamic", "fmt": "e4m3",
                       "weight_block_size": [128, 128]}, "F8_E4M3", (128, 128), "F32", "block"),
    "e4m3-block24x40": ({"quant_method": "fp8", "weight_block_size": [24, 40]}, "F8_E4M3", (24, 40), "BF16", "block"),
    "e5m2-tensor": ({"quant_method": "fp8"}, "F8_E5M2", None, "F32", "tensor"),
    "ct-channel": ({"quant_method": "compressed-tensors", "format": "float-quantized",
                    "config_groups": {"group_0": {"targets": ["Linear"], "weights": {
                        "num_bits": 8, "type": "float", "strategy": "channel", "symmetric": True, "dynamic": False}}},
                    "ignore": ["lm_head"]}, "F8_E4M3", None, "BF16", "channel"),
}
FP8_MAX = {"F8_E4M3": 448.0, "F8_E5M2": 57344.0}


def llama_config():
    c = models.base_config("LlamaForCausalLM", "llama", hidden_size=192, intermediate_size=320,
                           num_attention_heads=6, num_key_value_heads=2, tie_word_embeddings=False,
                           torch_dtype="bfloat16")
    return c


def quantize(w, wdtype, block, sdtype, kind):
    """w float32 [rows, cols] -> (codes, scale values as stored (float32 view), scale shape, scale raw bytes)."""
    rows, cols = w.shape
    if kind == "block":
        b0, b1 = block
        sr, sc = -(-rows // b0), -(-cols // b1)
        amax = np.zeros((sr, sc), np.float32)
        for i in range(sr):
            for j in range(sc):
                amax[i, j] = np.abs(w[i * b0:(i + 1) * b0, j * b1:(j + 1) * b1]).max()
        shape = [sr, sc]
    elif kind == "channel":
        amax = np.abs(w).max(axis=1, keepdims=True)
        shape = [rows, 1]
    else:
        amax = np.array(np.abs(w).max(), np.float32)
        shape = []
    scale = (np.maximum(amax, 1e-12) / FP8_MAX[wdtype]).astype(np.float32)
    if sdtype == "BF16":
        bits = to_bf16(scale)
        scale, raw = bf16_value(bits).reshape(scale.shape), bits.astype("<u2").tobytes()
    else:
        raw = scale.astype("<f4").tobytes()
    if kind == "block":
        full = np.repeat(np.repeat(scale, block[0], axis=0), block[1], axis=1)[:rows, :cols]
    else:
        full = np.broadcast_to(scale.reshape(-1, 1) if kind == "channel" else scale, w.shape)
    codes = encode_fp8(w / full, wdtype)
    return codes, scale, shape, raw


def expand_scale(scale, shape, w_shape, block):
    """The converter's dequant_simple: repeat_interleave each block dimension, cut to the weight's shape."""
    s = np.asarray(scale, np.float32).reshape(shape)
    if block is not None:
        s = np.repeat(np.repeat(s, block[0], axis=0), block[1], axis=1)[:w_shape[0], :w_shape[1]]
    while s.ndim < 2:
        s = s[..., None]
    return np.broadcast_to(s, w_shape)


def make_checkpoint(name, root, tok_dir, rng):
    """Writes the FP8 folder; returns (folder, config, {hf name: float32 dequantized or stored value}, the names of
    all stored tensors)."""
    qc, wdtype, block, sdtype, kind = LAYOUTS[name]
    c = llama_config()
    c["quantization_config"] = qc
    d = os.path.join(root, "fp8", name, "tiny-llama-fp8")
    os.makedirs(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(c, f, indent=1)
    for n in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if os.path.exists(os.path.join(tok_dir, n)):
            shutil.copy(os.path.join(tok_dir, n), d)
    tensors, values = [], {}
    for tname, _, shape, tkind in models.llama_tensors(c, "BF16"):
        (_, _, w), = models.make_weights([(tname, "F32", shape, tkind)], rng)
        # compressed-tensors lists lm_head in "ignore": it stays BF16 there
        if tkind in ("embed", "norm") or (tname == "lm_head.weight" and "lm_head" in qc.get("ignore", [])):
            bits = to_bf16(w)
            tensors.append((tname, "BF16", shape, bits.astype("<u2").tobytes()))
            values[tname] = bf16_value(bits).reshape(shape)
            continue
        codes, scale, sshape, sraw = quantize(w, wdtype, block, sdtype, kind)
        suffix = "_scale_inv" if qc["quant_method"] == "fp8" else "_scale"
        tensors.append((tname, wdtype, shape, codes.tobytes()))
        tensors.append((tname + suffix, sdtype, sshape, sraw))
        if kind == "channel":
            tensors.append((tname.replace(".weight", ".input_scale"), "F32", [1], np.float32(0.5).tobytes()))
        # what llama.cpp's converter computes: weight.float() * scale.float(), in float32
        values[tname] = decode_fp8(codes, wdtype).astype(np.float32) * expand_scale(scale, sshape, shape, block)
        assert values[tname].dtype == np.float32
    write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    return d, c, values, {t[0] for t in tensors}


def make_f32_copy(root, name, config, values, tok_src):
    """The dequantized model as an ordinary F32 checkpoint (same folder name, so the same general.name)."""
    d = os.path.join(root, "f32", name, "tiny-llama-fp8")
    os.makedirs(d)
    c = {k: v for k, v in config.items() if k != "quantization_config"}
    c["torch_dtype"] = "float32"
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(c, f, indent=1)
    for n in os.listdir(tok_src):
        if n.startswith(("tokenizer", "special_tokens")):
            shutil.copy(os.path.join(tok_src, n), d)
    write_safetensors(os.path.join(d, "model.safetensors"),
                      [(k, "F32", v.shape, np.ascontiguousarray(v, "<f4").tobytes()) for k, v in values.items()])
    return d


def gguf_name(hf):
    """HF llama name -> GGUF name, and whether the converter permutes it (q with n_head, k with n_head_kv)."""
    glob = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
            "lm_head.weight": "output.weight"}
    if hf in glob:
        return glob[hf]
    parts = hf.split(".")
    layer, rest = parts[2], ".".join(parts[3:-1])
    m = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q",
         "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
         "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    return "blk.%s.%s.weight" % (layer, m[rest])


def permute(w, n_head):
    """convert_hf_to_gguf.py LlamaModel.permute: reshape(n_head, 2, rows/n_head/2, cols).swapaxes(1, 2)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--js", default="", help="tests/js with node_modules: also run the files in real llama.cpp")
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    a = ap.parse_args()
    a.cli, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.shared, a.work))
    check = Checks()

    def cli(*args):
        return subprocess.run([a.cli] + list(args), capture_output=True, text=True)

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    tok_dir = os.path.join(a.shared, "models", "tinystories-656k")
    run_llama = a.js and shutil.which(a.node) and os.path.isdir(os.path.join(a.js, "node_modules", "node-llama-cpp"))
    for li, name in enumerate(LAYOUTS):
        rng = np.random.default_rng(1000 + li)
        folder, config, values, scale_names = make_checkpoint(name, a.work, tok_dir, rng)
        H, KV = config["num_attention_heads"], config["num_key_value_heads"]
        f32_out = os.path.join(a.work, name + ".F32.gguf")
        r = cli("convert", folder, "-t", "F32", "-o", f32_out, "--quiet")
        if r.returncode != 0:
            check(False, "%s: convert -t F32 failed: %s" % (name, r.stderr.strip()))
            continue
        _, got = read_gguf(f32_out)
        want = {}
        for hf, v in values.items():
            if hf.endswith("q_proj.weight"):
                v = permute(v, H)
            elif hf.endswith("k_proj.weight"):
                v = permute(v, KV)
            want[gguf_name(hf)] = np.ascontiguousarray(v, np.float32)
        bad = []
        for g, v in want.items():
            if g not in got:
                bad.append(g + " missing")
                continue
            t, ne, raw = got[g]
            arr = np.frombuffer(raw, "<f4").reshape(v.shape) if t == 0 and list(reversed(ne)) == list(v.shape) else None
            if arr is None or not np.array_equal(arr.view(np.uint32), v.view(np.uint32)):
                bad.append(g)
        extra = sorted(set(got) - set(want))
        n_fp8 = sum(1 for hf in values if hf + ("_scale_inv" if config["quantization_config"]["quant_method"] == "fp8"
                                                 else "_scale") in scale_names)
        check(not bad and not extra,
              "%-16s F32: %d tensors bit-identical to numpy's dequantization (%d FP8 weights)%s%s"
              % (name, len(want), n_fp8, "; differ: " + ", ".join(bad[:6]) if bad else "",
                 "; unexpected: " + ", ".join(extra) if extra else ""))

        copy = make_f32_copy(a.work, name, config, values, folder)
        q_fp8, q_f32 = os.path.join(a.work, name + ".fp8.Q8_0.gguf"), os.path.join(a.work, name + ".f32.Q8_0.gguf")
        r1 = cli("convert", folder, "-t", "Q8_0", "-o", q_fp8, "--quiet")
        r2 = cli("convert", copy, "-t", "Q8_0", "-o", q_f32, "--quiet")
        if r1.returncode or r2.returncode:
            check(False, "%s: convert -t Q8_0 failed: %s %s" % (name, r1.stderr.strip(), r2.stderr.strip()))
            continue
        b1, b2 = open(q_fp8, "rb").read(), open(q_f32, "rb").read()
        _, q = read_gguf(q_fp8)
        n_q8 = sum(1 for t, _, _ in q.values() if t == 8)
        check(b1 == b2 and n_q8 == len(values) - 5,  # every 2-D tensor; the 5 norms stay F32
              "%-16s Q8_0 straight from FP8: %d bytes, %s the Q8_0 of the F32 copy (%d Q8_0 tensors)"
              % (name, len(b1), "identical to" if b1 == b2 else "DIFFERENT from", n_q8))

        if li == 0:
            # a weight llama-quantize leaves alone keeps what convert_hf_to_gguf.py --outtype auto gives it: BF16
            # here (the embeddings are BF16)
            r = cli("convert", folder, "-t", "Q8_0", "--leave-output-tensor", "--dry-run")
            line = next((l for l in r.stdout.splitlines() if l.split()[:1] == ["output.weight"]), "")
            check(r.returncode == 0 and " BF16 " in " %s " % line,
                  "%-16s --leave-output-tensor keeps the FP8 lm_head as BF16: %r" % (name, " ".join(line.split())[:80]))
            if not run_llama:
                print("skip: real llama.cpp run (no --js with node_modules)")
                continue
            W = {k: v.astype(np.float64) for k, v in values.items()}
            ref = models.decoder(W, config, models.PROMPT, mlp=models.swiglu_mlp)
            env = dict(os.environ, NODE_LLAMA_CPP_SKIP_DOWNLOAD="true")
            for path, tol in ((f32_out, 1e-3), (q_fp8, 5e-2)):
                r = subprocess.run([a.node, os.path.join(a.js, "logits.mjs"), path, "--ids",
                                    ",".join(map(str, models.PROMPT))], capture_output=True, text=True, env=env,
                                   timeout=300)
                if r.returncode != 0:
                    check(False, "%s: llama.cpp failed on %s: %s" % (name, path, (r.stderr or r.stdout)[-400:]))
                    continue
                lc = np.array(json.loads(r.stdout.strip().splitlines()[-1])["logits"], dtype=np.float64)
                err = np.abs(lc - ref).max() / np.abs(ref).max()
                check(err <= tol and int(lc.argmax()) == int(ref.argmax()),
                      "%-16s llama.cpp runs %s: logits error %.2e (tol %.0e) vs numpy, argmax %d/%d"
                      % (name, os.path.basename(path), err, tol, int(lc.argmax()), int(ref.argmax())))

    # Broken FP8 and other pre-quantized checkpoints through the CLI: exit 1, one line naming the file/tensor and
    # the problem, no output file (or temp file) left behind.
    good = os.path.join(a.work, "fp8", "e4m3-block128", "tiny-llama-fp8")
    for name, d, expect in broken_cases(good, os.path.join(a.work, "broken")):
        out = os.path.join(a.work, "broken", name + ".gguf")
        r = subprocess.run([a.cli, "convert", d, "-o", out], capture_output=True, text=True, cwd=a.work)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        msg = lines[0] if lines else ""
        left = [f for f in os.listdir(os.path.dirname(out)) if f.startswith(name + ".gguf")]
        check(r.returncode == 1 and len(lines) == 1 and all(x in msg for x in expect) and not left,
              "%-22s rc=%d %r%s" % (name, r.returncode, msg[:150], " LEFT " + str(left) if left else ""))

    check.finish(need_passes=True)


def broken_cases(good, root):
    """(name, folder, expected substrings): the e4m3-block128 checkpoint with one thing broken."""
    cfg = json.load(open(os.path.join(good, "config.json")))
    raw = open(os.path.join(good, "model.safetensors"), "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
    q = "model.layers.0.self_attn.q_proj.weight"
    cases = []

    def case(name, expect, config=None, edit=None):
        d = os.path.join(root, name)
        os.makedirs(d)
        for f in os.listdir(good):
            if f not in ("config.json", "model.safetensors"):
                shutil.copy(os.path.join(good, f), d)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config if config is not None else cfg, f)
        h = json.loads(json.dumps(header))
        if edit:
            edit(h)
        hb = json.dumps(h).encode()
        with open(os.path.join(d, "model.safetensors"), "wb") as f:
            f.write(struct.pack("<Q", len(hb)) + hb + data)
        cases.append((name, d, expect))

    def with_quant(qc):
        c = dict(cfg)
        if qc is None:
            del c["quantization_config"]
        else:
            c["quantization_config"] = qc
        return c

    case("fp8-missing-scale", ["model.safetensors", q, "F8_E4M3 weight has no scale tensor " + q + "_scale_inv"],
         edit=lambda h: h.pop(q + "_scale_inv"))
    case("fp8-scale-shape", ["model.safetensors", q + "_scale_inv", "[1, 4]", "expected [2, 2]"],
         edit=lambda h: h[q + "_scale_inv"].update(shape=[1, 4]))
    case("fp8-scale-dtype", [q + "_scale_inv", "dtype I32"], edit=lambda h: h[q + "_scale_inv"].update(dtype="I32"))
    case("fp8-scale-orphan", [q + "_scale_inv", "without its weight " + q],
         edit=lambda h: h.update({q + "x": h.pop(q)}))
    case("fp8-no-quant-config", ["model.safetensors", ".weight'", "F8_E4M3 weight, but config.json has no quantization_config"],
         config=with_quant(None))
    case("fp8-bad-block-size", ["config.json", "weight_block_size must be two positive integers", "[128]"],
         config=with_quant({"quant_method": "fp8", "weight_block_size": [128]}))
    case("fp8-no-block-size", ["_scale_inv'", "scale shape", "no block size", "expected one scale"],
         config=with_quant({"quant_method": "fp8"}))
    case("gptq-config", ["config.json: quantization_config.quant_method 'gptq' (GPTQ) is not supported",
                         "F32/F16/BF16 or FP8", "unquantized"],
         config=with_quant({"quant_method": "gptq", "bits": 4, "group_size": 128}))
    case("awq-config", ["'awq' (AWQ) is not supported"], config=with_quant({"quant_method": "awq", "bits": 4}))
    case("bnb-config", ["'bitsandbytes' (bitsandbytes) is not supported"],
         config=with_quant({"quant_method": "bitsandbytes", "load_in_4bit": True}))
    case("ct-int-quantized", ["format 'int-quantized' (INT8 weights) is not supported"],
         config=with_quant({"quant_method": "compressed-tensors", "format": "int-quantized"}))
    case("qweight-tensor", ["model.safetensors", "q_proj.qweight", "GPTQ/AWQ packed weight"],
         edit=lambda h: h.update({q.replace(".weight", ".qweight"): h.pop(q)}))
    return cases


if __name__ == "__main__":
    main()
