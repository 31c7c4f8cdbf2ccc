# SPDX-License-Identifier: BSD-2-Clause
"""What the package test may touch on the host, so that it can refuse to run over a real install
and prove afterwards that it left the host as it found it."""
import glob
import os
import subprocess

PACKAGES = ("flowlens", "flowlens-dev")

# Every place the packages, their maintainer scripts or the test write to.
WATCHED = ("/usr/sbin/flowlensd", "/usr/lib/flowlens", "/etc/flowlens", "/usr/include/flowlens",
           "/usr/lib/cmake/FlowLensSDK", "/usr/share/doc/flowlens", "/usr/share/doc/flowlens-dev",
           "/usr/share/man/man8/flowlensd.8.gz", "/usr/lib/systemd/system/flowlensd.service",
           "/var/lib/flowlens")
WATCHED_GLOBS = ("/etc/systemd/system/flowlensd.service", "/etc/systemd/system/*/flowlensd.service",
                 "/var/lib/systemd/deb-systemd-helper-*/flowlensd.service*",
                 "/var/lib/systemd/deb-systemd-helper-*/*/flowlensd.service")


def package_status(name):
    """dpkg's status of a package ('' when dpkg has never heard of it)."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", name], capture_output=True, text=True)
    status = r.stdout.strip() if r.returncode == 0 else ""
    # A purged package may linger in dpkg's database as not-installed: the same as never seen.
    return "" if status in ("un", "pn") else status


def snapshot():
    """Every watched path that exists, with what it is (file digest, link target, directory)."""
    found = {}
    paths = [p for p in WATCHED if os.path.lexists(p)]
    for pattern in WATCHED_GLOBS:
        paths += glob.glob(pattern)
    for top in paths:
        walk = [(top, [], [])] if not os.path.isdir(top) or os.path.islink(top) else os.walk(top)
        for root, dirs, files in walk:
            for p in [root] + [os.path.join(root, n) for n in dirs + files]:
                if os.path.islink(p):
                    found[p] = "-> " + os.readlink(p)
                elif os.path.isdir(p):
                    found[p] = "dir"
                else:
                    with open(p, "rb") as f:
                        found[p] = f"{len(f.read())} bytes"
    for name in PACKAGES:
        found[f"dpkg:{name}"] = package_status(name)
    return found


def refusal():
    """Why the test must not run on this host (a FlowLens install it would replace), or None."""
    installed = [n for n in PACKAGES if package_status(n)]
    if installed:
        return f"package(s) {', '.join(installed)} installed here: the test would replace and purge them"
    present = [p for p in ("/usr/sbin/flowlensd", "/usr/lib/flowlens", "/etc/flowlens") if os.path.lexists(p)]
    if present:
        return (f"{', '.join(present)} exist (a `cmake --install`?): dpkg would overwrite them and the "
                "purge would delete them")
    return None


def difference(before, after):
    """Lines naming what changed between two snapshots."""
    lines = []
    for p in sorted(set(before) | set(after)):
        if before.get(p) != after.get(p):
            lines.append(f"{p}: {before.get(p, 'absent')} -> {after.get(p, 'absent')}")
    return lines
