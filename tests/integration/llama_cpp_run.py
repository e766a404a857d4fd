#!/usr/bin/env python3
"""ggufsmith's GGUF files in REAL llama.cpp (npm node-llama-cpp 3.22.1, prebuilt CPU binary = llama.cpp v0.5.0).

- tinystories-656k converted to F32, F16 and BF16 by the CLI; greedy continuation of 40 tokens from [BOS]
  (tests/js/generate.mjs). F32 must reproduce the 40 golden ids of models/tinystories-656k/README.md exactly;
  F16 and BF16 must match at least --min-f16 / --min-bf16 of them (see docs/testing-llama-cpp.md for the figures).
- Tokenization of the F32 GGUF in llama.cpp vs Hugging Face's tokenizer.json (tests/js/tokenize.mjs): the
  corpus tests/js/corpus-tinystories.json plus --random pseudo-random strings; must be 100% identical.
- dev-llama-spm (SentencePiece tokenizer.model) converted to F16 loads and generates 8 tokens.

Needs node and tests/js/node_modules (scripts/setup-js.sh = `npm ci` in tests/js). Ends with "N passed, M failed".
"""
import argparse, json, os, re, shutil, subprocess, sys, time

from checks import Checks

# F16/BF16 thresholds: all 40. Measured (docs/testing-llama-cpp.md): ggufsmith's F16 and BF16 give 40/40, and so
# do independent round-to-nearest-even F16/BF16 conversions and even a truncating BF16 one. The tightest spot
# of the golden path is position 7, logit gap 0.059 between the top two tokens in F32; F16 moves that gap by
# ~0.002 and BF16 by ~0.018, so there is a 3x (BF16) to 30x (F16) safety factor. A partial threshold would
# mean little: greedy decoding diverges completely after the first flipped argmax, and the near-ties are early
# (positions 5, 7, 8), so a real rounding problem shows up as <= 8 matches, not 35.
MIN_F16 = 40
MIN_BF16 = 40


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="the ggufsmith binary")
    ap.add_argument("--shared", required=True, help="the shared/ reference folder")
    ap.add_argument("--js", required=True, help="tests/js (package.json, generate.mjs, tokenize.mjs)")
    ap.add_argument("--work", required=True, help="scratch folder (emptied)")
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    ap.add_argument("--min-f16", type=int, default=MIN_F16)
    ap.add_argument("--min-bf16", type=int, default=MIN_BF16)
    ap.add_argument("--random", type=int, default=1000, help="pseudo-random strings added to the tokenizer corpus")
    a = ap.parse_args()

    check = Checks()
    finish = check.finish

    # Preconditions: node and the npm test dependencies.
    node = shutil.which(a.node)
    modules = [os.path.join(a.js, "node_modules", p) for p in
               ("node-llama-cpp", "@node-llama-cpp/linux-x64", "@huggingface/tokenizers")]
    missing = [m for m in modules if not os.path.isdir(m)]
    if node is None or missing:
        check(False, "%s" % ("node not found (%s)" % a.node if node is None else
                             "npm test dependencies missing: %s" % ", ".join(missing)))
        print("      install them with scripts/setup-js.sh (runs `npm ci` in %s; npm registry access needed)" % a.js)
        finish()

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    ts_dir = os.path.join(a.shared, "models", "tinystories-656k")
    spm_dir = os.path.join(a.shared, "models", "dev-llama-spm")
    env = dict(os.environ, NODE_LLAMA_CPP_SKIP_DOWNLOAD="true")

    with open(os.path.join(ts_dir, "README.md")) as f:
        m = re.search(r"^\s*(\d+(?:\s*,\s*\d+){39})\s*$", f.read(), re.M)
    if not m:
        check(False, "40 golden ids not found in %s/README.md" % ts_dir)
        finish()
    golden = [int(x) for x in m.group(1).split(",")]

    def convert(src, ttype, name):
        out = os.path.join(a.work, name)
        t0 = time.time()
        r = subprocess.run([a.cli, "convert", src, "-t", ttype, "-o", out, "--quiet"],
                           capture_output=True, text=True, timeout=600)
        ok = r.returncode == 0 and os.path.isfile(out)
        check(ok, "convert %s -t %s (%.1f s)%s" % (os.path.basename(src), ttype, time.time() - t0,
                                                    "" if ok else ": rc=%d %s" % (r.returncode, r.stderr.strip()[-500:])))
        return out if ok else None

    def node_run(script, args):
        r = subprocess.run([node, os.path.join(a.js, script)] + args, capture_output=True, text=True,
                           cwd=a.js, env=env, timeout=600)
        return r

    def generate(gguf, n, margins=False):
        r = node_run("generate.mjs", [gguf, "--n", str(n)] + (["--margins"] if margins else []))
        if r.returncode != 0:
            return None, "rc=%d %s" % (r.returncode, (r.stderr.strip() or r.stdout.strip())[-800:])
        try:
            return json.loads(r.stdout.strip().splitlines()[-1]), None
        except (ValueError, IndexError):
            return None, "unparsable output: %r" % r.stdout[-300:]

    # 1. tinystories at F32 / F16 / BF16: greedy continuation vs golden.
    ggufs = {}
    for ttype, minimum in (("F32", len(golden)), ("F16", a.min_f16), ("BF16", a.min_bf16)):
        gguf = convert(ts_dir, ttype, "tinystories-656k.%s.gguf" % ttype)
        if gguf is None:
            continue
        ggufs[ttype] = gguf
        res, err = generate(gguf, len(golden), margins=True)
        if res is None:
            check(False, "%s: llama.cpp generation: %s" % (ttype, err))
            continue
        ids = res["ids"]
        k = sum(1 for x, y in zip(ids, golden) if x == y)
        first = next((i for i, (x, y) in enumerate(zip(ids, golden)) if x != y), None)
        print("%s: %d/%d ids match golden%s" % (ttype, k, len(golden),
                                                "" if first is None else " (first difference at position %d)" % first))
        print("    ids:  %s" % ",".join(map(str, ids)))
        print("    text: %r" % res["text"])
        tight = sorted((g, i) for i, g in enumerate(res.get("margins", [])) if g is not None)[:3]
        print("    smallest top-2 logit gaps (position: gap): %s" % ", ".join("%d: %.3f" % (i, g) for g, i in tight))
        check(k >= minimum, "%s greedy continuation: %d/%d match golden, need >= %d" % (ttype, k, len(golden), minimum))

    # 2. Tokenization of the F32 GGUF vs Hugging Face.
    if "F32" in ggufs:
        r = node_run("tokenize.mjs", [ggufs["F32"], ts_dir, "--random", str(a.random)])
        sys.stdout.write("".join("    " + l + "\n" for l in r.stdout.splitlines()))
        if r.stderr.strip():
            sys.stdout.write("    stderr: " + r.stderr.strip()[-800:] + "\n")
        m = re.search(r"^tokenize: (\d+)/(\d+) identical", r.stdout, re.M)
        summary = "%s/%s identical" % (m.group(1), m.group(2)) if m else "no summary (rc=%d)" % r.returncode
        check(r.returncode == 0 and m is not None and m.group(1) == m.group(2),
              "tokenization F32 GGUF in llama.cpp vs HF tokenizer.json: %s" % summary)

    # 3. dev-llama-spm (SentencePiece) at F16: loads and generates.
    gguf = convert(spm_dir, "F16", "dev-llama-spm.F16.gguf")
    if gguf is not None:
        res, err = generate(gguf, 8)
        ok = res is not None and len(res["ids"]) == 8 and all(0 <= t < 32000 for t in res["ids"])
        check(ok, "dev-llama-spm F16: llama.cpp generates 8 tokens%s" %
              (": %s" % ",".join(map(str, res["ids"])) if res is not None else ": " + err))

    finish()


if __name__ == "__main__":
    main()
