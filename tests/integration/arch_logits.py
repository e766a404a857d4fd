#!/usr/bin/env python3
"""Every supported architecture family (plus Llama 3 rope scaling), end to end in REAL llama.cpp, against a numpy reference forward pass.

For each architecture of arch/models.py: generate a tiny random-weight Hugging Face folder (config.json,
model.safetensors written by arch/st_write.py, the tinystories-656k tokenizer with vocab_size 2048), convert it
with `ggufsmith convert -t F32`, evaluate a fixed 12-token prompt in llama.cpp (tests/js/logits.mjs: node-llama-cpp,
F32 KV cache) and compare the last-token logits with the float64 reference:

    error = max_i |llama_i - ref_i| / max_i |ref_i|        must be <= 1e-3 (--tol)

and the argmax must agree. "spread" is the same measure between the reference logits of the prompt and of the
prompt with its last token replaced: how far apart unrelated logits are (so the tolerance is far from loose).
MoE models also print the smallest top-k router gap (a near-tie there could flip an expert selection).

Needs numpy (run with /usr/bin/python3 on Debian: python3-numpy), node and tests/js/node_modules
(scripts/setup-js.sh). Ends with "N passed, M failed".
"""
import argparse, json, os, shutil, subprocess, sys, zlib

from checks import Checks

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "arch"))
try:
    import numpy as np
except ImportError:
    print("FAIL: numpy is not installed for %s (Debian: apt-get install python3-numpy, run with /usr/bin/python3)"
          % sys.executable)
    print("0 passed, 1 failed")
    sys.exit(1)

import models  # noqa: E402
import st_write  # noqa: E402

TOL = 1e-3
# This fixture's config.json names an unknown fine-tune class: converting it must fail without --force-arch and
# succeed with it.
FORCED = {"qwen3": ("MyQwen3FinetuneForCausalLM", "Qwen3ForCausalLM")}


def make_folder(arch, root, tok_dir):
    # The folder name becomes general.name, and llama.cpp's vocabulary loader special-cases names containing "phi3"
    # (it then requires a "</s>" token, which the tinystories tokenizer lacks): hence "tiny-phi", not "phi3".
    d = os.path.join(root, "tiny-" + arch.name.replace("phi3", "phi"))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(arch.config, f, indent=1)
    for n in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if os.path.exists(os.path.join(tok_dir, n)):
            shutil.copy(os.path.join(tok_dir, n), d)
    rng = np.random.default_rng(zlib.crc32(arch.name.encode()))
    stored = st_write.write(os.path.join(d, "model.safetensors"), models.make_weights(arch.tensors, rng))
    return d, {k: v.astype(np.float64) for k, v in stored.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="the ggufsmith binary")
    ap.add_argument("--shared", required=True, help="the shared/ reference folder (for the tinystories tokenizer)")
    ap.add_argument("--js", required=True, help="tests/js (logits.mjs, node_modules)")
    ap.add_argument("--work", required=True, help="scratch folder (emptied)")
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    ap.add_argument("--tol", type=float, default=TOL)
    ap.add_argument("--only", default="", help="comma-separated architecture names")
    a = ap.parse_args()

    check = Checks()

    if shutil.which(a.node) is None or not os.path.isdir(os.path.join(a.js, "node_modules", "node-llama-cpp")):
        check(False, "node or tests/js/node_modules missing (run scripts/setup-js.sh)")
        check.stop()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    tok_dir = os.path.join(a.shared, "models", "tinystories-656k")
    env = dict(os.environ, NODE_LLAMA_CPP_SKIP_DOWNLOAD="true")
    only = set(filter(None, a.only.split(",")))

    for make in models.ALL:
        arch = make()
        if only and arch.name not in only:
            continue
        force = []
        if arch.name in FORCED:
            arch.config["architectures"] = [FORCED[arch.name][0]]
            force = ["--force-arch", FORCED[arch.name][1]]
        folder, W = make_folder(arch, a.work, tok_dir)
        ref = arch.forward(W, models.PROMPT)
        other = arch.forward(W, models.PROMPT[:-1] + [models.PROMPT[-1] + 1])
        spread = np.abs(other - ref).max() / np.abs(ref).max()
        gguf = os.path.join(a.work, arch.name + ".F32.gguf")
        if force:
            r = subprocess.run([a.cli, "convert", folder, "-t", "F32", "-o", gguf, "--quiet"], capture_output=True, text=True)
            check(r.returncode == 1 and "not supported" in r.stderr and "--force-arch" in r.stderr,
                  "%-9s %s refused without --force-arch (%s)" % (arch.name, FORCED[arch.name][0], r.stderr.strip()[:90]))
            r = subprocess.run([a.cli, "convert", folder, "-o", gguf, "--force-arch", "NotAClass"], capture_output=True, text=True)
            check(r.returncode == 1 and "NotAClass" in r.stderr and FORCED[arch.name][1] in r.stderr,
                  "%-9s --force-arch NotAClass refused, listing the supported classes" % arch.name)
        r = subprocess.run([a.cli, "convert", folder, "-t", "F32", "-o", gguf, "--quiet"] + force,
                           capture_output=True, text=True)
        if r.returncode != 0:
            check(False, "%-9s convert failed: %s" % (arch.name, (r.stderr or r.stdout).strip()))
            continue
        r = subprocess.run([a.node, os.path.join(a.js, "logits.mjs"), gguf, "--ids", ",".join(map(str, models.PROMPT))],
                           capture_output=True, text=True, env=env, timeout=300)
        if r.returncode != 0:
            check(False, "%-9s llama.cpp failed: %s" % (arch.name, (r.stderr or r.stdout).strip()[-600:]))
            continue
        got = json.loads(r.stdout.strip().splitlines()[-1])
        lc = np.array([np.nan if v is None else v for v in got["logits"]], dtype=np.float64)
        if lc.shape != ref.shape or np.isnan(lc).any():
            check(False, "%-9s llama.cpp gave %d logits (%d missing), the reference %d"
                  % (arch.name, lc.size, int(np.isnan(lc).sum()), ref.size))
            continue
        err = np.abs(lc - ref).max() / np.abs(ref).max()
        same_top = int(lc.argmax()) == int(ref.argmax())
        gap = " router gap %.3f" % min(arch.gaps) if arch.gaps else ""
        check(err <= a.tol and same_top,
              "%-9s %-8s error %.2e (tol %.0e), spread %.2f, argmax %d/%d, max|ref| %.2f%s"
              % (arch.name, got.get("arch") or "?", err, a.tol, spread, int(lc.argmax()), int(ref.argmax()),
                 np.abs(ref).max(), gap))

    check.finish(need_passes=True)


if __name__ == "__main__":
    main()
