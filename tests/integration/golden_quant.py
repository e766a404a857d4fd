#!/usr/bin/env python3
"""Quantizes ../shared/models/dev-llama-spm with the tensor types of every llama-quantize digest (ref.<TYPE>.json,
with imatrix.dat for the .imatrix ones) through gs_golden_quant, from the safetensors folder and from our own F32
GGUF, and compares every tensor (type, shape, sha256), the tensor order and the quantize.imatrix.* keys.
The type-selection rules are not under test here (the types come from the digests); the streaming pipeline, the
threads, the kernels and the importance-matrix plumbing are."""
import argparse, glob, json, os, subprocess, sys

IMATRIX_KEYS = ["quantize.imatrix.file", "quantize.imatrix.dataset", "quantize.imatrix.entries_count",
                "quantize.imatrix.chunks_count"]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--tool", required=True)
    ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    a = ap.parse_args()
    a.cli, a.tool, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.tool, a.shared, a.work))  # runs in the model folder
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    golden = os.path.join(a.shared, "golden", "models", "dev-llama-spm")
    sys.path.insert(0, os.path.join(a.shared, "tools"))
    import ggufdigest

    f32 = os.path.join(a.work, "dev-llama-spm-F32.gguf")
    subprocess.run([a.cli, "convert", model, "-t", "F32", "-o", f32, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    refs = sorted(glob.glob(os.path.join(golden, "ref.*.json")))
    refs = [r for r in refs if not os.path.basename(r).startswith(("ref.F32.", "ref.F16.", "ref.BF16."))]
    failed = total = skipped = 0
    for ref_path in refs:
        ref = json.load(open(ref_path))
        name = os.path.basename(ref_path)[len("ref."):-len(".json")]
        for source, threads in ((model, "2"), (f32, "3")):
            total += 1
            out = os.path.join(a.work, "q.gguf")
            cmd = [a.tool, source, out, "--types", ref_path, "-j", threads]
            if name.endswith(".imatrix"):
                cmd += ["--imatrix", "imatrix.dat"]  # relative, as llama-quantize was run: it is recorded in the file
            r = subprocess.run(cmd, cwd=model, capture_output=True, text=True)
            label = "%-18s from %-11s" % (name, "safetensors" if source == model else "F32 GGUF")
            if r.returncode == 3:
                print("%s: skipped, %s" % (label, r.stderr.strip())); skipped += 1; total -= 1; continue
            if r.returncode != 0:
                print("%s: FAILED to convert: %s" % (label, r.stderr.strip())); failed += 1; continue
            got = ggufdigest.digest(out)
            os.remove(out)
            bad = []
            for t, want in ref["tensors"].items():
                g = got["tensors"].get(t)
                if g != want: bad.append("%s: %s != %s" % (t, g and {k: g[k] for k in ("type", "sha256")}, want["sha256"][:12]))
            if got["tensor_order"] != ref["tensor_order"]: bad.append("tensor order differs")
            for k in IMATRIX_KEYS:
                if ref["kv"].get(k) != got["kv"].get(k): bad.append("%s: %r != %r" % (k, got["kv"].get(k), ref["kv"].get(k)))
            print("%s: %s" % (label, "ok, %d tensors" % len(ref["tensors"]) if not bad else "; ".join(bad[:4])))
            failed += bool(bad)
    os.remove(f32)
    print("%d passed, %d failed, %d skipped" % (total - failed, failed, skipped))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
