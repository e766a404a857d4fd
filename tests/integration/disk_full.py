#!/usr/bin/env python3
"""The CLI running out of space while writing, single-file and split outputs: exit code 1, one line on stderr that
names the output file and says what happened, nothing left in the output folder (no part, no temporary file), the
input untouched. Three ways to run out, none needing root:

- an LD_PRELOAD shim (tests/preload/enospc_preload.cpp) under which writes to the temporary outputs stop with ENOSPC
  after N bytes, the write crossing the mark cut short as a real filesystem does; failures placed in the header,
  the middle of a part, and the last part after the others are complete;
- a file size limit (RLIMIT_FSIZE, `ulimit -f`): the kernel refuses to grow the file (EFBIG) — the CLI ignores
  SIGXFSZ, which would otherwise kill it and leave its temporary file;
- a real 1 MiB tmpfs, mounted in a user namespace (`unshare -rm`) when the machine allows it, else reported skipped.
Ends with "N passed, M failed"."""
import argparse, hashlib, os, re, resource, shutil, subprocess, sys

from checks import Checks

TIMEOUT = 600


def tree_state(folder):
    """name -> (size, mtime_ns, sha256) of every file, to show the input untouched."""
    out = {}
    for f in sorted(os.listdir(folder)):
        p = os.path.join(folder, f)
        st = os.stat(p)
        out[f] = (st.st_size, st.st_mtime_ns, hashlib.sha256(open(p, "rb").read()).hexdigest())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shim", required=True, help="the gs_enospc_preload library")
    ap.add_argument("--shared", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    a.cli, a.shim, a.shared, a.work = (os.path.abspath(x) for x in (a.cli, a.shim, a.shared, a.work))
    model = os.path.join(a.shared, "models", "dev-llama-spm")
    check = Checks()

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    before = tree_state(model)

    # Sizes of the complete outputs, to place the failures.
    ref_dir = os.path.join(a.work, "ref")
    os.makedirs(ref_dir)
    r = subprocess.run([a.cli, "convert", model, "-t", "F16", "-o", os.path.join(ref_dir, "dev.gguf"), "--quiet",
                        "--split-max-tensors", "10"], capture_output=True, text=True, timeout=TIMEOUT)
    if r.returncode != 0:
        check(False, "reference split conversion: " + r.stderr)
        check.stop()
    part_sizes = [os.path.getsize(p) for p in r.stdout.split()]
    n_parts = len(part_sizes)
    r = subprocess.run([a.cli, "convert", model, "-t", "F16", "-o", os.path.join(ref_dir, "single.gguf"), "--quiet"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    single_size = os.path.getsize(os.path.join(ref_dir, "single.gguf"))

    case_no = 0

    def case(label, extra_args, env=None, preexec=None, expect_file=None, expect_text=("write failed",)):
        nonlocal case_no
        case_no += 1
        d = os.path.join(a.work, "case%d" % case_no)
        os.makedirs(d)
        out = os.path.join(d, "dev.gguf")
        r = subprocess.run([a.cli, "convert", model, "-t", "F16", "-o", out, "--quiet"] + extra_args,
                           capture_output=True, text=True, timeout=TIMEOUT, env=env, preexec_fn=preexec)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        line = lines[0] if lines else ""
        want_file = os.path.join(d, expect_file or "dev.gguf")
        ok = (r.returncode == 1 and len(lines) == 1 and line.startswith("ggufsmith: error: " + want_file + ": ")
              and all(t in line for t in expect_text) and os.listdir(d) == [] and r.stdout == "")
        check(ok, "%s: rc=%d, folder after: %s, stderr: %s" % (label, r.returncode, os.listdir(d), r.stderr.strip()))

    # A sanitizer build of the CLI (native-asan) needs its ASan runtime first in the library list, before the shim.
    ldd = subprocess.run(["ldd", a.cli], capture_output=True, text=True).stdout
    asan = re.search(r"^\s*libasan\.so\S* => (\S+)", ldd, re.M)
    preload = (asan.group(1) + ":" if asan else "") + a.shim

    def shim_env(after):
        return dict(os.environ, LD_PRELOAD=preload, GS_ENOSPC_AFTER=str(after))

    full = ("write failed: No space left on device (the disk is full)",)
    split = ["--split-max-tensors", "10"]
    part = lambda k: "dev-%05d-of-%05d.gguf" % (k, n_parts)

    # 1. ENOSPC through the shim.
    case("single file, disk full in the header", [], shim_env(0), expect_text=full)
    case("single file, disk full half-way", [], shim_env(single_size // 2), expect_text=full)
    case("single file, disk full at the last byte", [], shim_env(single_size - 1), expect_text=full)
    case("split, disk full in part 1's header", split, shim_env(100), expect_file=part(1), expect_text=full)
    case("split, disk full half-way through part 2", split, shim_env(part_sizes[0] + part_sizes[1] // 2),
         expect_file=part(2), expect_text=full)
    case("split, disk full in the last part, the others complete", split,
         shim_env(sum(part_sizes) - part_sizes[-1] // 3), expect_file=part(n_parts), expect_text=full)

    # 2. A file size limit: the kernel's EFBIG, which would be SIGXFSZ if the CLI did not ignore it.
    def limit(n):
        return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))

    efbig = ("write failed: File too large (larger than the file size limit)",)
    case("single file past RLIMIT_FSIZE", [], preexec=limit(single_size // 3), expect_text=efbig)
    case("split part past RLIMIT_FSIZE", split, preexec=limit(min(part_sizes) // 2), expect_file=part(1),
         expect_text=efbig)

    # 3. A real, small tmpfs in a user namespace (the mount only exists inside it, so the check runs there too).
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\"", a.work],
                           capture_output=True, text=True) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        check.skip("real tmpfs (unshare -rm + mount tmpfs not allowed here: %s)" %
                   (probe.stderr.strip() if probe else "no unshare"))
    else:
        for label, extra, first in (("single file", [], "dev.gguf"), ("split", split, part(1))):
            case_no += 1
            d = os.path.join(a.work, "tmpfs%d" % case_no)
            os.makedirs(d)
            script = ('mount -t tmpfs -o size=1m tmpfs "$1" && "$0" convert "$2" -t F16 -o "$1/dev.gguf" --quiet %s; '
                      'rc=$?; echo "rc=$rc"; echo "left=$(ls -A "$1" | tr "\\n" " ")"' % " ".join(extra))
            r = subprocess.run(["unshare", "-rm", "sh", "-c", script, a.cli, d, model], capture_output=True, text=True,
                               timeout=TIMEOUT)
            rc = re.search(r"^rc=(\d+)$", r.stdout, re.M)
            left = re.search(r"^left=(.*)$", r.stdout, re.M)
            lines = [l for l in r.stderr.splitlines() if l.strip()]
            want = "ggufsmith: error: %s/%s: write failed: No space left on device (the disk is full)" % (d, first)
            check(rc is not None and rc.group(1) == "1" and left is not None and left.group(1).strip() == ""
                  and lines == [want], "real 1 MiB tmpfs, %s: %s, stderr: %s" % (label, r.stdout.strip().replace("\n", ", "),
                                                                               r.stderr.strip()))

    check(tree_state(model) == before, "the input folder is untouched (sizes, mtimes, sha256)")
    check.finish()


if __name__ == "__main__":
    main()
