#!/usr/bin/env python3
"""The CLI on broken model folders: exit code 1, one line naming the file and the problem, no signal, and no output
file (or temp file) left behind. Also usage errors (exit 2), --dry-run and inspect."""
import argparse, json, os, shutil, struct, subprocess, sys

def st_bytes(header, data, pad=0):
    h = json.dumps(header).encode() + b" " * pad
    return struct.pack("<Q", len(h)) + h + data

def make_cases(work, model):
    """Each case: (name, folder, expected substrings of the message)."""
    cfg = open(os.path.join(model, "config.json")).read()
    weights = open(os.path.join(model, "model.safetensors"), "rb").read()
    n = struct.unpack("<Q", weights[:8])[0]
    header = json.loads(weights[8:8 + n])
    cases = []
    def folder(name, files):
        d = os.path.join(work, "cases", name)
        shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
        for fn, content in files.items():
            if fn == "tokenizer.model":
                os.symlink(os.path.join(model, "tokenizer.model"), os.path.join(d, fn)); continue
            with open(os.path.join(d, fn), "wb") as f: f.write(content if isinstance(content, bytes) else content.encode())
        return d
    base = {"config.json": cfg, "tokenizer.model": None}
    def case(name, expect, **files):
        fs = dict(base); fs.update({k.replace("__", "."): v for k, v in files.items()})
        fs = {k: v for k, v in fs.items() if v is not False}
        cases.append((name, folder(name, fs), expect))
    case("truncated-weights", ["model.safetensors", "truncated"], model__safetensors=weights[: len(weights) // 2])
    case("lfs-pointer", ["model.safetensors", "LFS"], model__safetensors=b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")
    case("no-config", ["config.json"], config__json=False, model__safetensors=weights)
    case("bad-config-json", ["config.json", "JSON"], config__json="{", model__safetensors=weights)
    bad = json.loads(cfg); bad["architectures"] = ["NotARealModel"]
    case("unknown-arch", ["NotARealModel", "not supported", "LlamaForCausalLM"], config__json=json.dumps(bad), model__safetensors=weights)
    h = dict(header); k = "model.layers.0.self_attn.q_proj.weight"; e = dict(h[k]); e["shape"] = [256, 255]; h[k] = e
    case("shape-lies", [k, "needs"], model__safetensors=st_bytes(h, weights[8 + n:]))
    h = dict(header); e = dict(h[k]); e["dtype"] = "Q4"; h[k] = e
    case("unknown-dtype", [k, "unknown dtype"], model__safetensors=st_bytes(h, weights[8 + n:]))
    h = dict(header); e = dict(h[k]); e["dtype"] = "F8_E4M3"; e["shape"] = [256, 512]; h[k] = e  # same bytes
    case("fp8-weight", [k, "F8_E4M3 weight, but config.json has no quantization_config"], model__safetensors=st_bytes(h, weights[8 + n:]))
    case("empty-folder", ["no .safetensors"], model__safetensors=False)
    case("header-too-long", ["model.safetensors", "runs past the end"], model__safetensors=struct.pack("<Q", 10**6) + b"{}")
    h = dict(header); h["model.layers.9.mlp.up_proj.weight"] = h["model.layers.0.mlp.up_proj.weight"]
    case("overlap-and-bad-layer", ["model.safetensors"], model__safetensors=st_bytes(h, weights[8 + n:]))
    case("index-missing-shard", ["model.safetensors.index.json", "not in the folder"], model__safetensors=False,
         model__safetensors__index__json=json.dumps({"weight_map": {"a": "model-00001-of-00002.safetensors"}}))
    return cases

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    a = ap.parse_args()
    # the CLI runs from the work directory below, so every path must be absolute
    a.cli, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.shared, a.work))
    shutil.rmtree(a.work, ignore_errors=True); os.makedirs(a.work)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    passed = failed = 0
    def check(ok, what):
        nonlocal passed, failed
        if ok: passed += 1
        else: failed += 1; print("FAIL:", what)
    for name, d, expect in make_cases(a.work, model):
        out = os.path.join(a.work, name + ".gguf")
        r = subprocess.run([a.cli, "convert", d, "-o", out], capture_output=True, text=True, cwd=a.work)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        msg = lines[0] if lines else ""
        leftovers = [f for f in os.listdir(a.work) if f.startswith(name + ".gguf")]
        ok = r.returncode == 1 and len(lines) == 1 and all(s in msg for s in expect) and not leftovers
        check(ok, "%s: rc=%d leftovers=%s message=%r expected %s" % (name, r.returncode, leftovers, msg, expect))
    # usage errors
    for args in (["convert"], ["convert", model, "-t", "Q9"], ["frobnicate"], ["convert", model, "--bogus"]):
        r = subprocess.run([a.cli] + args, capture_output=True, text=True)
        check(r.returncode == 2 and "usage:" in r.stderr, "usage %s: rc=%d" % (args, r.returncode))
    # the output may never overwrite an input
    r = subprocess.run([a.cli, "convert", model, "-o", os.path.join(model, "model.safetensors")], capture_output=True, text=True)
    check(r.returncode == 1 and "overwrite an input" in r.stderr, "overwrite input: rc=%d %s" % (r.returncode, r.stderr))
    # dry run: the plan, no file
    r = subprocess.run([a.cli, "convert", model, "-t", "F16", "--dry-run"], capture_output=True, text=True, cwd=a.work)
    check(r.returncode == 0 and "blk.0.attn_q.weight" in r.stdout and "bits per weight" in r.stdout
          and not [f for f in os.listdir(a.work) if f.endswith(".gguf")], "dry run: %s" % r.stdout[-300:])
    # default output name in the current directory, then inspect it (GGUF) and the folder (safetensors)
    r = subprocess.run([a.cli, "convert", model, "-t", "BF16", "--quiet"], capture_output=True, text=True, cwd=a.work)
    out = os.path.join(a.work, "dev-llama-spm-BF16.gguf")
    check(r.returncode == 0 and os.path.exists(out) and r.stdout.strip() == "dev-llama-spm-BF16.gguf", "default name: %s" % r.stdout)
    r = subprocess.run([a.cli, "inspect", out, "--json"], capture_output=True, text=True)
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    check(j.get("format") == "gguf" and j["metadata"]["general.architecture"] == "llama" and len(j["tensors"]) == 29,
          "inspect gguf")
    r = subprocess.run([a.cli, "inspect", model], capture_output=True, text=True)
    check(r.returncode == 0 and "model.embed_tokens.weight" in r.stdout and "BF16" in r.stdout, "inspect folder")
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
