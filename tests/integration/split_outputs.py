#!/usr/bin/env python3
"""Split GGUF outputs (--split-max-tensors / --split-max-size) of dev-llama-spm, checked independently of our code:

- names <out>-0000i-of-0000N.gguf, nothing else left in the output folder (no temp files, no unsplit file);
- every part parsed by the small GGUF reader below: split.no (u16, 0-based), split.count (u16) and
  split.tensors.count (i32) as llama-gguf-split writes them, all other metadata in the first part only (equal to
  the single file's), no empty part, the limits kept, offsets aligned, no byte missing or extra;
- the parts' tensors, in order and byte for byte, are the single-file output's (and, for Q4_K_M, llama-quantize's own
  output: the golden digest, through ../shared/tools/ggufdigest.py, which follows the parts from the first);
- the --dry-run listing gives the names and sizes that are then written;
- real llama.cpp (node-llama-cpp, tests/js/generate.mjs) loads each split set from its first part and greedily
  generates the same tokens as from the single file; an unsplit first part is refused as an input.
Ends with "N passed, M failed"."""
import argparse, hashlib, json, os, re, shutil, struct, subprocess, sys

from checks import Checks

N_GEN = 24  # greedy tokens compared (dev-llama-spm has random weights; greedy decoding is still deterministic)
# Random weights make greedy text repetitive, so the last-token logits of a prompt (all 32000 of them, exactly) are
# compared too: they depend on every weight of the model.
PROMPT = "1,306,763,263,1243,310,278,6210,29889,450"


class Reader:
    VT = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

    def __init__(self, b):
        self.b, self.o = b, 0

    def u(self, fmt):
        v = struct.unpack_from("<" + fmt, self.b, self.o)[0]
        self.o += struct.calcsize("<" + fmt)
        return v

    def s(self):
        n = self.u("Q")
        v = self.b[self.o:self.o + n].decode("utf-8")
        self.o += n
        return v

    def val(self, t):
        if t in self.VT:
            return self.u(self.VT[t])
        if t == 8:
            return self.s()
        if t == 9:
            et, n = self.u("I"), self.u("Q")
            return [self.val(et) for _ in range(n)]
        raise ValueError("bad value type %d" % t)


# ggml type -> (block elements, block bytes), for the types these outputs hold
BLOCKS = {0: (1, 4), 1: (1, 2), 30: (1, 2), 8: (32, 34), 12: (256, 144), 13: (256, 176), 14: (256, 210), 11: (256, 110)}


def read_gguf(path):
    """{"kv": {key: (type, value)}, "tensors": [(name, dims, type, data bytes)], "size", "data_start"}; checks layout."""
    b = open(path, "rb").read()
    r = Reader(b)
    if b[:4] != b"GGUF":
        raise ValueError("%s: not a GGUF file" % path)
    r.o = 4
    version, nt, nkv = r.u("I"), r.u("Q"), r.u("Q")
    if version != 3:
        raise ValueError("%s: version %d" % (path, version))
    kv = {}
    for _ in range(nkv):
        k = r.s()
        t = r.u("I")
        kv[k] = (t, r.val(t))
    infos = []
    for _ in range(nt):
        name = r.s()
        dims = [r.u("Q") for _ in range(r.u("I"))]
        t, off = r.u("I"), r.u("Q")
        infos.append((name, dims, t, off))
    align = kv.get("general.alignment", (4, 32))[1]
    start = (r.o + align - 1) // align * align
    tensors, end = [], start
    for name, dims, t, off in infos:
        n = 1
        for d in dims:
            n *= d
        be, bb = BLOCKS[t]
        size = n // be * bb
        if off % align or start + off != end:
            raise ValueError("%s: tensor %s at offset %d, expected %d (aligned, packed)" % (path, name, off, end - start))
        tensors.append((name, dims, t, b[start + off:start + off + size]))
        end = start + (off + size + align - 1) // align * align
    if end != len(b):
        raise ValueError("%s: %d bytes, layout says %d" % (path, len(b), end))
    return {"kv": kv, "tensors": tensors, "size": len(b), "data_start": start}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--js", required=True, help="tests/js (generate.mjs, node_modules)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    a = ap.parse_args()
    a.cli, a.shared, a.js, a.work = (os.path.abspath(x) for x in (a.cli, a.shared, a.js, a.work))
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    golden = os.path.join(a.shared, "golden", "models", "dev-llama-spm")
    digest_tool = os.path.join(a.shared, "tools", "ggufdigest.py")
    check = Checks()

    def run(args, cwd=None):
        return subprocess.run([a.cli] + args, capture_output=True, text=True, timeout=600, cwd=cwd)

    node = shutil.which(a.node)
    have_llama = node is not None and os.path.isdir(os.path.join(a.js, "node_modules", "node-llama-cpp"))
    if not have_llama:
        check(False, "node and tests/js/node_modules are needed (scripts/setup-js.sh)")

    def generate(first_part):
        env = dict(os.environ, NODE_LLAMA_CPP_SKIP_DOWNLOAD="true")
        r = subprocess.run([node, os.path.join(a.js, "generate.mjs"), first_part, "--n", str(N_GEN)],
                           capture_output=True, text=True, cwd=a.js, env=env, timeout=600)
        if r.returncode != 0:
            return None, (r.stderr.strip() or r.stdout.strip())[-600:]
        return json.loads(r.stdout.strip().splitlines()[-1])["ids"], None

    def logits(first_part):
        env = dict(os.environ, NODE_LLAMA_CPP_SKIP_DOWNLOAD="true")
        r = subprocess.run([node, os.path.join(a.js, "logits.mjs"), first_part, "--ids", PROMPT],
                           capture_output=True, text=True, cwd=a.js, env=env, timeout=600)
        if r.returncode != 0:
            return None
        return json.loads(r.stdout.strip().splitlines()[-1])["logits"]

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)

    def fresh(name):
        d = os.path.join(a.work, name)
        os.makedirs(d)
        return d

    # The references: the single files.
    singles = {}
    for t in ("F16", "Q4_K_M"):
        out = os.path.join(fresh("single-" + t), "dev.gguf")
        r = run(["convert", model, "-t", t, "-o", out, "--quiet"])
        if not check(r.returncode == 0, "single-file %s conversion%s" % (t, "" if r.returncode == 0 else ": " + r.stderr)):
            check.stop()
        singles[t] = read_gguf(out)
        singles[t]["path"] = out
        if have_llama:
            ids, err = generate(out)
            singles[t]["ids"] = ids
            check(ids is not None, "llama.cpp runs the single %s file%s" % (t, "" if ids else ": " + str(err)))
            singles[t]["logits"] = logits(out)
            check(singles[t]["logits"] is not None and len(set(singles[t]["logits"])) > 1000,
                  "llama.cpp gives the single %s file's logits" % t)

    cases = [  # (label, type, options, expected part count or None)
        ("F16 --split-max-tensors 10", "F16", ["--split-max-tensors", "10"], 3),
        ("F16 --split-max-size 2M", "F16", ["--split-max-size", "2M"], None),
        ("F16 --split-max-size 1 (one tensor per part)", "F16", ["--split-max-size", "1"], 29),
        ("Q4_K_M --split-max-size 1000000", "Q4_K_M", ["--split-max-size", "1000000"], None),
        ("Q4_K_M --split-max-tensors 7 --split-max-size 800K", "Q4_K_M",
         ["--split-max-tensors", "7", "--split-max-size", "800K"], None),
    ]
    for i, (label, t, opts, want_parts) in enumerate(cases):
        single = singles[t]
        d = fresh("case%d" % i)
        out = os.path.join(d, "dev-%s.gguf" % t)
        dry = run(["convert", model, "-t", t, "-o", out, "--dry-run"] + opts)
        listed = re.findall(r"^  (\S+)  (\d+) tensors, (\d+) bytes$", dry.stdout, re.M)
        r = run(["convert", model, "-t", t, "-o", out, "--quiet"] + opts)
        if not check(r.returncode == 0, "%s: converts%s" % (label, "" if r.returncode == 0 else ": " + r.stderr.strip())):
            continue
        names = r.stdout.split()
        n = len(names)
        prefix = out[:-len(".gguf")]
        check(names == ["%s-%05d-of-%05d.gguf" % (prefix, k + 1, n) for k in range(n)] and n > 1
              and (want_parts is None or n == want_parts),
              "%s: %d parts named <out>-0000i-of-%05d.gguf%s" % (label, n, n, "" if want_parts is None else
                                                                   " (want %d)" % want_parts))
        check(sorted(os.listdir(d)) == sorted(os.path.basename(x) for x in names),
              "%s: nothing else in the output folder: %s" % (label, sorted(os.listdir(d))))
        check([x[0] for x in listed] == names and
              [(int(x[1]), int(x[2])) for x in listed] ==
              [(len(read_gguf(p)["tensors"]), os.path.getsize(p)) for p in names],
              "%s: --dry-run lists the parts written, with their tensor counts and sizes" % label)

        parts = [read_gguf(p) for p in names]
        problems = []
        base_kv = single["kv"]
        total = len(single["tensors"])
        for k, p in enumerate(parts):
            kv = p["kv"]
            if kv.get("split.no") != (2, k): problems.append("part %d split.no %s" % (k + 1, kv.get("split.no")))
            if kv.get("split.count") != (2, n): problems.append("part %d split.count %s" % (k + 1, kv.get("split.count")))
            if kv.get("split.tensors.count") != (5, total):
                problems.append("part %d split.tensors.count %s" % (k + 1, kv.get("split.tensors.count")))
            rest = {x: v for x, v in kv.items() if not x.startswith("split.")}
            if k == 0 and rest != base_kv: problems.append("first part's metadata differs from the single file's")
            if k > 0 and rest: problems.append("part %d has metadata besides split.*: %s" % (k + 1, sorted(rest)[:3]))
            if k == 0 and list(kv)[-3:] != ["split.no", "split.count", "split.tensors.count"]:
                problems.append("first part: split keys are not last")
            if not p["tensors"]: problems.append("part %d is empty" % (k + 1))
        if "--split-max-tensors" in opts:
            m = int(opts[opts.index("--split-max-tensors") + 1])
            problems += ["part %d has %d tensors" % (k + 1, len(p["tensors"])) for k, p in enumerate(parts)
                         if len(p["tensors"]) > m]
        if "--split-max-size" in opts:
            v = opts[opts.index("--split-max-size") + 1]
            m = int(v.rstrip("KMG")) * {"K": 1000, "M": 10**6, "G": 10**9}.get(v[-1], 1)
            problems += ["part %d is %d bytes with %d tensors" % (k + 1, p["size"], len(p["tensors"]))
                         for k, p in enumerate(parts) if p["size"] > m and len(p["tensors"]) > 1]
        check(not problems, "%s: split.* keys (u16, u16, i32), metadata in part 1 only, limits kept%s" %
              (label, "" if not problems else ": " + "; ".join(problems[:5])))

        joined = [x for p in parts for x in p["tensors"]]
        check([(x[0], x[1], x[2], hashlib.sha256(x[3]).digest()) for x in joined] ==
              [(x[0], x[1], x[2], hashlib.sha256(x[3]).digest()) for x in single["tensors"]],
              "%s: the parts' tensors, in order, are the single file's byte for byte" % label)
        if t == "Q4_K_M":
            g = subprocess.run([sys.executable, digest_tool, "--compare", os.path.join(golden, "ref.Q4_K_M.json"),
                                names[0]], capture_output=True, text=True)
            check(g.returncode == 0, "%s: equals llama-quantize's Q4_K_M (golden digest via the first part): %s" %
                  (label, g.stdout.strip().splitlines()[-1] if g.stdout.strip() else g.stderr.strip()[-300:]))
        if have_llama and single.get("ids"):
            ids, err = generate(names[0])
            check(ids == single["ids"], "%s: llama.cpp loads the set from part 1 and generates the single file's %d "
                  "tokens%s" % (label, N_GEN, "" if ids == single["ids"] else ": %s vs %s" % (ids or err, single["ids"])))
            got = logits(names[0])
            same = got is not None and got == single["logits"]
            check(same, "%s: ... and exactly the single file's %d last-token logits%s" %
                  (label, len(single["logits"] or []), "" if same else " (%s)" % (
                      "no logits" if got is None else "%d differ" % sum(x != y for x, y in zip(got, single["logits"])))))

    # Limits that the output fits in: one plain file under the plain name, no split.* keys.
    d = fresh("fits")
    out = os.path.join(d, "dev.gguf")
    r = run(["convert", model, "-t", "F16", "-o", out, "--split-max-tensors", "29", "--split-max-size", "1G"])
    ok = r.returncode == 0 and os.listdir(d) == ["dev.gguf"]
    check(ok and not any(k.startswith("split.") for k in read_gguf(out)["kv"])
          and open(out, "rb").read() == open(singles["F16"]["path"], "rb").read()
          and "fits in one part" in r.stderr,
          "limits the output fits in: the single file, byte for byte, under its own name")

    # Option errors: usage (exit 2), nothing written.
    for opts, what in ((["--split-max-size", "0"], "must be positive"), (["--split-max-size", "1.5G"], "whole number"),
                       (["--split-max-size", "2T"], "whole number"), (["--split-max-tensors", "0"], "at least 1"),
                       (["--split-max-tensors", "-3"], "at least 1"), (["--split-max-tensors"], "needs a value")):
        d = fresh("bad%d" % len(os.listdir(a.work)))
        r = run(["convert", model, "-o", os.path.join(d, "x.gguf")] + opts)
        first = r.stderr.strip().splitlines()[0] if r.stderr.strip() else ""
        check(r.returncode == 2 and what in first and not os.listdir(d),
              "%s: usage error (%s)" % (" ".join(opts), first))

    # A split set's first part as a conversion input would lose the other parts' tensors: refused.
    first = os.path.join(a.work, "case0", "dev-F16-00001-of-00003.gguf")
    d = fresh("from-split")
    r = run(["convert", first, "-t", "Q8_0", "-o", os.path.join(d, "q.gguf")])
    check(r.returncode == 1 and "part 1 of 3" in r.stderr and not os.listdir(d),
          "a split part as input is refused: %s" % r.stderr.strip())

    check.finish()


if __name__ == "__main__":
    main()
