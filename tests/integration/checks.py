"""The integration scripts' check counter. Each check prints "ok:   <what>" or "FAIL: <what>"; the end prints
"N passed, M failed" (what ctest's log shows) and exits 0 only when nothing failed."""
import sys


class Checks:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def __call__(self, ok, what):
        ok = bool(ok)
        self.passed += ok
        self.failed += not ok
        print(("ok:   " if ok else "FAIL: ") + what)
        sys.stdout.flush()
        return ok

    def skip(self, what):
        self.skipped += 1
        print("skipped: " + what)

    def stop(self):
        """Ends the script at a failure the rest cannot go on from."""
        self.finish()

    def finish(self, need_passes=False):
        """need_passes: also fail when no check ran (a script that found nothing to check proves nothing)."""
        skipped = ", %d skipped" % self.skipped if self.skipped else ""
        print("%d passed, %d failed%s" % (self.passed, self.failed, skipped))
        sys.exit(0 if self.failed == 0 and (self.passed > 0 or not need_passes) else 1)
