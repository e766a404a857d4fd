#!/usr/bin/env python3
"""Byte order, checked in a mirror world on a little-endian machine.

The CLI built with GGUFSMITH_FORCE_BYTESWAP (preset native-byteswap) treats every file as having the opposite byte
order of its host, exactly as a big-endian host treats little-endian files. Fed the *mirror* of a model folder
(every multi-byte number in every file byte-reversed: safetensors header length and tensor elements, including the
F32/BF16 block scales of FP8 checkpoints; GGUF header fields, KV values, tensor infos and tensor data; importance
matrix ints and floats; tokenizer.model fixed32/fixed64 fields), it must write the mirror of what the normal CLI
writes for the normal folder: every GGUF field reversed per its size, and inside quantized blocks the f16 scales
(and Q5's 32-bit high-bit words) reversed while 8-bit and nibble bytes stay as they are. Code that reads or writes
a multi-byte value in host order instead of through core/util/le.h gives different bytes here. The block layouts
below are ggml's (ggml-common.h), written down independently of core/quant.

usage: byte_order.py --cli build/native/ggufsmith --cli-swapped build/native-byteswap/ggufsmith --shared ../shared
                     --work DIR"""
import argparse, array, json, os, shutil, struct, subprocess, sys

# ---------------------------------------------------------------------------------------------------- byte reversal
_CODES = {2: "H", 4: "I" if array.array("I").itemsize == 4 else "L", 8: "Q"}

def reverse_elements(b, size):
    """b (bytes) as consecutive size-byte numbers, each reversed."""
    if size == 1 or not b: return bytes(b)
    if len(b) % size: raise ValueError("%d bytes are not whole %d-byte elements" % (len(b), size))
    a = array.array(_CODES[size], bytes(b)); a.byteswap(); return a.tobytes()

def reverse_fields(b, block, fields):
    """b (bytearray) as blocks of `block` bytes; each (offset, size) field of every block reversed in place."""
    if len(b) % block: raise ValueError("%d bytes are not whole %d-byte blocks" % (len(b), block))
    for off, size in fields:
        cols = [b[off + k::block] for k in range(size)]
        for k in range(size): b[off + k::block] = cols[size - 1 - k]

# ggml type id -> (name, elements per block, bytes per block, multi-byte fields (offset, size) inside a block)
GGML = {
    0: ("F32", 1, 4, [(0, 4)]), 1: ("F16", 1, 2, [(0, 2)]), 30: ("BF16", 1, 2, [(0, 2)]), 28: ("F64", 1, 8, [(0, 8)]),
    24: ("I8", 1, 1, []), 25: ("I16", 1, 2, [(0, 2)]), 26: ("I32", 1, 4, [(0, 4)]), 27: ("I64", 1, 8, [(0, 8)]),
    2: ("Q4_0", 32, 18, [(0, 2)]),                         # d, qs[16]
    3: ("Q4_1", 32, 20, [(0, 2), (2, 2)]),                 # d, m, qs[16]
    6: ("Q5_0", 32, 22, [(0, 2), (2, 4)]),                 # d, qh (uint32 as 4 bytes, read little-endian), qs[16]
    7: ("Q5_1", 32, 24, [(0, 2), (2, 2), (4, 4)]),         # d, m, qh, qs[16]
    8: ("Q8_0", 32, 34, [(0, 2)]),                         # d, qs[32] int8
    10: ("Q2_K", 256, 84, [(80, 2), (82, 2)]),             # scales[16], qs[64], d, dmin
    11: ("Q3_K", 256, 110, [(108, 2)]),                    # hmask[32], qs[64], scales[12], d
    12: ("Q4_K", 256, 144, [(0, 2), (2, 2)]),              # d, dmin, scales[12], qs[128]
    13: ("Q5_K", 256, 176, [(0, 2), (2, 2)]),              # d, dmin, scales[12], qh[32], qs[128]
    14: ("Q6_K", 256, 210, [(208, 2)]),                    # ql[128], qh[64], scales[16] int8, d
    20: ("IQ4_NL", 32, 18, [(0, 2)]),                      # d, qs[16]
    23: ("IQ4_XS", 256, 136, [(0, 2), (2, 2)]),            # d, scales_h (uint16), scales_l[4], qs[128]
    34: ("TQ1_0", 256, 54, [(52, 2)]),                     # qs[48], qh[4], d
    35: ("TQ2_0", 256, 66, [(64, 2)]),                     # qs[64], d
    39: ("MXFP4", 32, 17, []),                             # e (E8M0 byte), qs[16]
}
VALUE_SIZE = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # GGUF KV value types

# ---------------------------------------------------------------------------------------------------- file mirrors
def mirror_gguf(src):
    """The mirror of a little-endian GGUF file (bytes -> bytes). Also returns the tensor types seen."""
    out = bytearray(src)
    pos = 0
    def num(fmt):
        nonlocal pos
        n = struct.calcsize("<" + fmt)
        v = struct.unpack_from("<" + fmt, src, pos)[0]
        out[pos:pos + n] = src[pos:pos + n][::-1]
        pos += n
        return v
    def string():
        nonlocal pos
        n = num("Q"); pos += n
    def value(t):
        nonlocal pos
        if t == 8: return string()
        if t == 9:
            et, n = num("I"), num("Q")
            if et == 8:
                for _ in range(n): string()
            else:
                size = VALUE_SIZE[et] * n
                out[pos:pos + size] = reverse_elements(src[pos:pos + size], VALUE_SIZE[et]); pos += size
            return
        size = VALUE_SIZE[t]
        v = struct.unpack_from("<" + {1: "B", 2: "H", 4: "I", 8: "Q"}[size], src, pos)[0]
        out[pos:pos + size] = src[pos:pos + size][::-1]; pos += size
        return v
    if src[:4] != b"GGUF": raise ValueError("not a GGUF file")
    pos = 4
    num("I"); n_tensors = num("Q"); n_kv = num("Q")
    alignment = 32
    for _ in range(n_kv):
        n = num("Q"); key = src[pos:pos + n].decode(); pos += n
        t = num("I")
        v = value(t)
        if key == "general.alignment": alignment = v
    infos = []
    for _ in range(n_tensors):
        string()
        nd = num("I")
        ne = [num("Q") for _ in range(nd)]
        t = num("I"); off = num("Q")
        infos.append((ne, t, off))
    data = (pos + alignment - 1) // alignment * alignment
    types = set()
    for ne, t, off in infos:
        if t not in GGML: raise ValueError("tensor type %d has no block layout here: add it to GGML" % t)
        name, be, bb, fields = GGML[t]
        types.add(name)
        n = 1
        for d in ne: n *= d
        a, b = data + off, data + off + n // be * bb
        block = bytearray(src[a:b])
        reverse_fields(block, bb, fields)
        out[a:b] = block
    return bytes(out), types

ST_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
           "F8_E4M3": 1, "F8_E5M2": 1}

def mirror_safetensors(src):
    n = struct.unpack_from("<Q", src, 0)[0]
    header = json.loads(src[8:8 + n])
    out = bytearray(src)
    out[0:8] = src[0:8][::-1]
    base = 8 + n
    for name, t in header.items():
        if name == "__metadata__": continue
        a, b = t["data_offsets"]
        out[base + a:base + b] = reverse_elements(src[base + a:base + b], ST_SIZE[t["dtype"]])
    return bytes(out)

def _varint(b, pos):
    v = shift = 0
    while True:
        c = b[pos]; pos += 1
        v |= (c & 0x7f) << shift; shift += 7
        if not c & 0x80: return v, pos

def mirror_protobuf(src, nested=(1, 2, 3, 4, 5)):
    """SentencePiece ModelProto: fixed32/fixed64 fields reversed, in the top message and in its sub-messages
    (pieces, trainer_spec, normalizer_spec, self_test_data, denormalizer_spec); varints have no byte order."""
    out = bytearray(src)
    count = 0
    def walk(a, b, descend):
        nonlocal count
        pos = a
        while pos < b:
            key, pos = _varint(src, pos)
            wire, number = key & 7, key >> 3
            if wire == 0: _, pos = _varint(src, pos)
            elif wire in (1, 5):
                n = 8 if wire == 1 else 4
                out[pos:pos + n] = src[pos:pos + n][::-1]; pos += n; count += 1
            elif wire == 2:
                n, pos = _varint(src, pos)
                if descend and number in nested: walk(pos, pos + n, False)
                pos += n
            else: raise ValueError("wire type %d" % wire)
    walk(0, len(src), True)
    return bytes(out), count

def mirror_imatrix_dat(src):
    """llama-imatrix's legacy format: int32 count; per entry int32 name length, name, int32 ncall, int32 nval,
    float sums[nval]; then optionally int32 chunks, int32 dataset length, dataset."""
    out = bytearray(src)
    pos = 0
    def i32():
        nonlocal pos
        v = struct.unpack_from("<i", src, pos)[0]; out[pos:pos + 4] = src[pos:pos + 4][::-1]; pos += 4; return v
    for _ in range(i32()):
        n = i32(); pos += n
        i32(); nval = i32()
        out[pos:pos + 4 * nval] = reverse_elements(src[pos:pos + 4 * nval], 4); pos += 4 * nval
    if pos < len(src):
        i32(); i32()
    return bytes(out)

def imatrix_dat_to_gguf(src):
    """The same importance matrix in llama-imatrix's GGUF format: <name>.in_sum2 = the sums, <name>.counts = ncall."""
    pos = 0
    def i32():
        nonlocal pos
        v = struct.unpack_from("<i", src, pos)[0]; pos += 4; return v
    entries = []
    for _ in range(i32()):
        n = i32(); name = src[pos:pos + n].decode(); pos += n
        ncall, nval = i32(), i32()
        entries.append((name, ncall, src[pos:pos + 4 * nval])); pos += 4 * nval
    chunks = i32() if pos < len(src) else 0
    def s(x): x = x.encode(); return struct.pack("<Q", len(x)) + x
    kv = (s("imatrix.datasets") + struct.pack("<IIQ", 9, 8, 1) + s("imatrix.dat") +
          s("imatrix.chunk_count") + struct.pack("<II", 4, chunks) + s("imatrix.chunk_size") + struct.pack("<II", 4, 512))
    infos, data = b"", b""
    for name, ncall, sums in entries:
        for suffix, ne, payload in ((".in_sum2", [len(sums) // 4, 1], sums), (".counts", [1, 1], struct.pack("<f", ncall))):
            infos += s(name + suffix) + struct.pack("<I", 2) + struct.pack("<2Q", *ne) + struct.pack("<IQ", 0, len(data))
            data += payload + b"\0" * (-len(payload) % 32)
    head = b"GGUF" + struct.pack("<IQQ", 3, 2 * len(entries), 3) + kv + infos
    return head + b"\0" * (-len(head) % 32) + data

# ---------------------------------------------------------------------------------------------------- inputs
def f32_to_f16_safetensors(src):
    """A copy of an F32 safetensors file with every tensor in F16 (an F16 source checkpoint)."""
    n = struct.unpack_from("<Q", src, 0)[0]
    header = json.loads(src[8:8 + n])
    base, data, new = 8 + n, b"", {}
    for name, t in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
        a, b = t["data_offsets"]
        vals = array.array("f", src[base + a:base + b])
        if sys.byteorder != "little": vals.byteswap()
        half = struct.pack("<%de" % len(vals), *vals)
        new[name] = {"dtype": "F16", "shape": t["shape"], "data_offsets": [len(data), len(data) + len(half)]}
        data += half
    h = json.dumps(new).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

def fp8_checkpoint(src, scale_dtype, block):
    """A copy of an F32 safetensors file whose 2-D projection weights are F8_E4M3 (pseudo-random codes, no NaN) with
    <weight>_scale_inv tensors of the given dtype (F32 or BF16), one per block x block tile, as FP8 checkpoints
    (quant_method fp8, weight_block_size) are published. The bytes are arbitrary: only their order matters here."""
    n = struct.unpack_from("<Q", src, 0)[0]
    header = json.loads(src[8:8 + n])
    base, data, new, seed = 8 + n, b"", {}, 1
    def add(name, dtype, shape, payload):
        nonlocal data
        new[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    for name, t in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
        a, b = t["data_offsets"]
        if not (name.endswith("_proj.weight") and len(t["shape"]) == 2):
            add(name, t["dtype"], t["shape"], src[base + a:base + b]); continue
        rows, cols = t["shape"]
        codes = bytearray()
        for _ in range(rows * cols):
            seed = (seed * 1103515245 + 12345) & 0x7fffffff
            c = (seed >> 16) & 0xff
            codes.append(c if c & 0x7f != 0x7f else c ^ 1)
        add(name, "F8_E4M3", [rows, cols], bytes(codes))
        sr, sc = -(-rows // block), -(-cols // block)
        scales = [0.001 * (1 + (i % 7)) for i in range(sr * sc)]
        if scale_dtype == "F32": payload = struct.pack("<%df" % len(scales), *scales)
        else: payload = b"".join(struct.pack("<f", v)[2:] for v in scales)  # BF16: the f32's high half
        add(name + "_scale_inv", scale_dtype, [sr, sc], payload)
    h = json.dumps(new).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

def write(path, b):
    with open(path, "wb") as f: f.write(b)

def make_mirror_folder(src_dir, dst_dir, overrides=None):
    """dst_dir = the mirror of src_dir (files may be given as bytes in overrides); JSON and text files are copied."""
    shutil.rmtree(dst_dir, ignore_errors=True); os.makedirs(dst_dir)
    files = {f: None for f in os.listdir(src_dir)} if src_dir else {}
    files.update(overrides or {})
    info = []
    for f, content in files.items():
        b = content if content is not None else open(os.path.join(src_dir, f), "rb").read()
        if f.endswith(".safetensors"): b = mirror_safetensors(b)
        elif f.endswith(".gguf"): b = mirror_gguf(b)[0]
        elif f == "tokenizer.model":
            b, n = mirror_protobuf(b); info.append("tokenizer.model: %d fixed-size fields" % n)
        elif f.endswith(".dat"): b = mirror_imatrix_dat(b)
        write(os.path.join(dst_dir, f), b)
    return info

# ---------------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--cli-swapped", required=True)
    ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer types (F32, F16, BF16, Q8_0, Q4_K_M)")
    a = ap.parse_args()
    a.cli, a.cli_swapped, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.cli_swapped, a.shared, a.work))
    shutil.rmtree(a.work, ignore_errors=True); os.makedirs(a.work)
    models = os.path.join(a.shared, "models")
    spm, tiny = os.path.join(models, "dev-llama-spm"), os.path.join(models, "tinystories-656k")

    # Normal folders and their mirrors. A mirror has the same folder and file names (in another directory), since
    # names end up in the output (general.name, quantize.imatrix.file).
    norm = {"dev-llama-spm": spm, "tinystories-656k": tiny, "tiny-f16": os.path.join(a.work, "normal", "tiny-f16")}
    os.makedirs(norm["tiny-f16"])
    for f in os.listdir(tiny):
        if f != "model.safetensors": shutil.copy(os.path.join(tiny, f), norm["tiny-f16"])
    write(os.path.join(norm["tiny-f16"], "model.safetensors"),
          f32_to_f16_safetensors(open(os.path.join(tiny, "model.safetensors"), "rb").read()))
    for scale_dtype in ("F32", "BF16"):  # FP8 weights with block scales of either width
        d = norm["fp8-" + scale_dtype] = os.path.join(a.work, "normal", "fp8-" + scale_dtype)
        os.makedirs(d)
        for f in os.listdir(tiny):
            if f not in ("model.safetensors", "config.json"): shutil.copy(os.path.join(tiny, f), d)
        cfg = json.load(open(os.path.join(tiny, "config.json")))
        cfg["quantization_config"] = {"quant_method": "fp8", "weight_block_size": [64, 64]}
        write(os.path.join(d, "config.json"), json.dumps(cfg).encode())
        write(os.path.join(d, "model.safetensors"),
              fp8_checkpoint(open(os.path.join(tiny, "model.safetensors"), "rb").read(), scale_dtype, 64))
    mirror = {}
    for k, d in norm.items():
        mirror[k] = os.path.join(a.work, "mirror", k)
        for line in make_mirror_folder(d, mirror[k]): print(k, line)
    # the importance matrix in GGUF form, normal and mirrored, each in a directory of its own
    gguf_imatrix = imatrix_dat_to_gguf(open(os.path.join(spm, "imatrix.dat"), "rb").read())
    imx_n, imx_m = os.path.join(a.work, "normal", "imx"), os.path.join(a.work, "mirror", "imx")
    os.makedirs(imx_n); os.makedirs(imx_m)
    write(os.path.join(imx_n, "imatrix.gguf"), gguf_imatrix)
    write(os.path.join(imx_m, "imatrix.gguf"), mirror_gguf(gguf_imatrix)[0])
    spm, tiny = norm["dev-llama-spm"], norm["tinystories-656k"]
    mirror["spm"], mirror["tiny"] = mirror["dev-llama-spm"], mirror["tinystories-656k"]

    passed, failed = 0, 0
    seen_types = set()
    def run(cli, args, cwd):
        r = subprocess.run([cli] + args, capture_output=True, text=True, cwd=cwd)
        if r.returncode != 0: raise RuntimeError("%s %s: rc=%d %s" % (os.path.basename(cli), " ".join(args), r.returncode, r.stderr.strip()))
        return r.stdout

    def case(label, src_norm, src_mirror, args, cwd_norm=None, cwd_mirror=None):
        """Normal CLI on the normal input vs byte-swapped CLI on the mirrored input."""
        nonlocal passed, failed
        out_n = os.path.join(a.work, "out-normal.gguf")
        out_m = os.path.join(a.work, "out-mirror.gguf")
        try:
            run(a.cli, ["convert", src_norm, "-o", out_n, "--quiet"] + args, cwd_norm)
            run(a.cli_swapped, ["convert", src_mirror, "-o", out_m, "--quiet"] + args, cwd_mirror)
            normal = open(out_n, "rb").read()
            want, types = mirror_gguf(normal)
            got = open(out_m, "rb").read()
            ok = got == want
            detail = "%d bytes, tensor types %s" % (len(got), ",".join(sorted(types)))
            if not ok:
                diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
                detail = "differs from the mirror of the normal output at byte %d of %d/%d" % (diff, len(got), len(want))
            else:
                seen_types.update(types)
                # inspect reads the output back: the swapped CLI on the mirrored file prints what the normal one does
                if run(a.cli, ["inspect", out_n, "--json"], None) != run(a.cli_swapped, ["inspect", out_m, "--json"], None):
                    ok, detail = False, "inspect --json differs"
        except RuntimeError as e:
            ok, detail = False, str(e)
        print("%-4s %-40s %s" % ("ok" if ok else "FAIL", label, detail))
        passed += ok; failed += not ok
        os.path.exists(out_m) and os.remove(out_m)
        os.path.exists(out_n) and os.remove(out_n)

    quick = ["F32", "F16", "BF16", "Q8_0", "Q4_K_M"]
    spm_types = quick if a.quick else quick + ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_M", "Q5_K_M", "Q6_K",
                                               "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0"]
    for t in spm_types:
        case("dev-llama-spm (BF16, SPM) -> " + t, spm, mirror["spm"], ["-t", t])
    if not a.quick:  # MXFP4 is a MoE type; forced onto dense tensors here (no multi-byte fields: the rest must match)
        case("dev-llama-spm -> Q8_0 + ffn_up MXFP4", spm, mirror["spm"], ["-t", "Q8_0", "--tensor-type", "ffn_up=MXFP4"])
    for t in ["Q4_K_M", "IQ4_XS"] + ([] if a.quick else ["Q2_K", "Q3_K_M"]):
        case("dev-llama-spm + imatrix.dat -> " + t, spm, mirror["spm"], ["-t", t, "--imatrix", "imatrix.dat"], spm, mirror["spm"])
    case("dev-llama-spm + imatrix GGUF -> Q4_K_M", spm, mirror["spm"], ["-t", "Q4_K_M", "--imatrix", "imatrix.gguf"],
         imx_n, imx_m)
    for t in ["F32", "F16", "BF16", "Q8_0"]:
        case("tinystories (F32, BPE json) -> " + t, tiny, mirror["tiny"], ["-t", t])
    for t in ["F16", "F32", "Q8_0"]:
        case("tinystories as F16 safetensors -> " + t, norm["tiny-f16"], mirror["tiny-f16"], ["-t", t])
    for scale_dtype in ("F32", "BF16"):
        for t in ["F32", "Q8_0"]:
            k = "fp8-" + scale_dtype
            case("FP8 E4M3 + %s block scales -> %s" % (scale_dtype, t), norm[k], mirror[k], ["-t", t])
    # GGUF inputs: the normal CLI's outputs, mirrored (same file name in another directory)
    for src_t, types in (("F32", ["Q8_0", "Q4_K_M", "F16"]), ("BF16", ["Q8_0"]), ("F16", ["F32"])):
        g = os.path.join(a.work, "normal", "dev-%s.gguf" % src_t)
        run(a.cli, ["convert", spm, "-t", src_t, "-o", g, "--quiet"], None)
        gm = os.path.join(a.work, "mirror", "dev-%s.gguf" % src_t)
        write(gm, mirror_gguf(open(g, "rb").read())[0])
        for t in types:
            case("dev-llama-spm %s GGUF -> %s" % (src_t, t), g, gm, ["-t", t])
    print("tensor types compared:", ",".join(sorted(seen_types)))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
