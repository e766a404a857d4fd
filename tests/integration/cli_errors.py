#!/usr/bin/env python3
"""The CLI on the malformed-input corpus (tests/malformed, written by its generate.py): every broken folder gives exit
code 1, exactly one line on stderr ("ggufsmith: error: " + a message naming the file and the problem, with the case's
expected substrings), no signal, no output or temp file left behind, and its input files unchanged; the healthy
controls convert. Also usage errors (exit 2), refusing to overwrite an input, --dry-run and inspect on dev-llama-spm.

--messages FILE writes {case: message} (the text after the prefix); --markdown FILE writes the table of cases and
messages that docs/reliability.md holds. tests/web/malformed.test.mjs asks the CLI itself rather than reading these."""
import argparse, hashlib, json, os, shutil, subprocess, sys

PREFIX = "ggufsmith: error: "
HERE = os.path.dirname(os.path.abspath(__file__))

def tree_digest(d):
    """{relative path: sha256} of everything under d (inputs must come out unchanged, nothing may be added)."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, d)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out

def case_args(case, d):
    # file arguments name files inside the case folder
    return [os.path.join(d, a) if a.endswith(".dat") else a for a in case.get("args", [])]

def run_corpus(cli, corpus, work, check, messages):
    work = os.path.join(work, "corpus")  # outputs of their own: the checks below look at the work directory
    os.makedirs(work)
    cases = json.load(open(os.path.join(corpus, "cases.json")))["cases"]
    for case in cases:
        name, d = case["name"], os.path.join(corpus, case["name"])
        out = os.path.join(work, name + ".gguf")
        before = tree_digest(d)
        r = subprocess.run([cli, "convert", d, "-o", out] + case_args(case, d), capture_output=True, text=True, cwd=work,
                           errors="replace")
        lines = r.stderr.splitlines()
        leftovers = sorted(f for f in os.listdir(work) if f.startswith(name + ".gguf"))
        unchanged = tree_digest(d) == before
        if case["expect"] == "ok":
            check(r.returncode == 0 and leftovers == [name + ".gguf"] and unchanged,
                  "%s: control converts (rc=%d, %s, stderr %r)" % (name, r.returncode, leftovers, r.stderr[-300:]))
            for f in leftovers: os.remove(os.path.join(work, f))
            continue
        msg = lines[0] if len(lines) == 1 else ""
        text = msg[len(PREFIX):] if msg.startswith(PREFIX) else ""
        missing = [s for s in case["expect"] if s not in text]
        ok = (r.returncode == 1 and len(lines) == 1 and text and not missing and not leftovers and unchanged)
        check(ok, "%s: rc=%d lines=%d leftovers=%s unchanged=%s missing=%s stderr=%r" %
              (name, r.returncode, len(lines), leftovers, unchanged, missing, r.stderr[:400]))
        messages[name] = text
    return len(cases)

def write_markdown(path, corpus, messages):
    def cell(t): return t.replace("|", "\\|")
    rows = ["| case (`tests/malformed/…`) | what is wrong | message (after `ggufsmith: error: `) |", "|---|---|---|"]
    for c in json.load(open(os.path.join(corpus, "cases.json")))["cases"]:
        msg = "converts (control)" if c["expect"] == "ok" else "`` " + messages.get(c["name"], "?").replace(corpus + "/", "") + " ``"
        args = "`" + " ".join(c["args"]) + "`" if c.get("args") else ""
        note = (" (" + args + ")" if args else "") if c.get("wasm", True) else " (CLI only: " + args + ")"
        rows.append("| `%s` | %s%s | %s |" % (c["name"], cell(c["what"]), note, cell(msg)))
    with open(path, "w") as f: f.write("\n".join(rows) + "\n")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True); ap.add_argument("--shared", required=True); ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "malformed"))
    ap.add_argument("--messages", help="write {case: message} as JSON here")
    ap.add_argument("--markdown", help="write the table of cases and messages (docs/reliability.md) here")
    a = ap.parse_args()
    # the CLI runs from the work directory below, so every path must be absolute
    a.cli, a.shared, a.work, a.corpus = (os.path.abspath(x) for x in (a.cli, a.shared, a.work, a.corpus))
    shutil.rmtree(a.work, ignore_errors=True); os.makedirs(a.work)
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    passed = failed = 0
    def check(ok, what):
        nonlocal passed, failed
        if ok: passed += 1
        else: failed += 1; print("FAIL:", what)
    messages = {}
    n = run_corpus(a.cli, a.corpus, a.work, check, messages)
    if a.messages:
        with open(a.messages, "w") as f: json.dump(messages, f, indent=1, ensure_ascii=False)
    if a.markdown:
        write_markdown(a.markdown, a.corpus, messages)
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
    print("%d corpus cases; %d passed, %d failed" % (n, passed, failed))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
