#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The shipped systemd unit: `systemd-analyze verify` has nothing to say about it (it exits 0 even
on an unknown key, so any stderr fails), and `systemd-analyze security` rates it no more exposed
than it was measured at. The unit points at the built flowlensd, as the installed one points at
/usr/sbin/flowlensd; its man page is the package's to check.

usage: unit_test.py UNIT_FILE FLOWLENSD"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# `systemd-analyze security --offline=yes` on systemd 252 (Debian 12). Loosening the unit raises
# it: then say why in the unit and raise this with it. 2.2 before the capabilities flowlensd uses
# only while starting to drop the rest and switch user (the unit says which).
MAX_EXPOSURE = 2.7


def main():
    unit, flowlensd = sys.argv[1], os.path.abspath(sys.argv[2])
    if not shutil.which("systemd-analyze"):
        print("FAIL: systemd-analyze not found (scripts/install-deps.sh --test installs systemd)", file=sys.stderr)
        return 1
    failures = []
    with open(unit) as f:
        text = f.read()
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, "flowlensd.service")
        with open(copy, "w") as f:
            f.write(text.replace("/usr/sbin/flowlensd", flowlensd))
        r = subprocess.run(["systemd-analyze", "verify", "--man=no", copy], capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0 or r.stderr.strip():
            failures.append(f"systemd-analyze verify: exit {r.returncode}, stderr:\n{r.stderr.strip()}")
        r = subprocess.run(["systemd-analyze", "security", "--offline=yes", copy], capture_output=True,
                           text=True, timeout=60)
        m = re.search(r"Overall exposure level for flowlensd\.service: (\d+\.\d+)", r.stdout)
        if not m:
            failures.append(f"systemd-analyze security printed no exposure level: {r.stdout[-500:]}{r.stderr}")
        else:
            exposure = float(m.group(1))
            print(f"systemd-analyze security exposure: {exposure} (at most {MAX_EXPOSURE})")
            if exposure > MAX_EXPOSURE:
                open_items = [line for line in r.stdout.splitlines() if line.startswith("✗")]
                failures.append(f"exposure {exposure} > {MAX_EXPOSURE}; open items:\n" + "\n".join(open_items))
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("service_unit:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
