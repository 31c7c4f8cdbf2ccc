#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What an operator sees when the command line or the config is wrong: exit status 2 and one line
naming the mistake, whatever the log level, before anything is attached (no root needed).

usage: cli_errors_test.py FLOWLENSD"""
import os
import subprocess
import sys
import tempfile

CASES = [
    # (proves, extra args, text stderr must contain)
    ("an id with a space is refused like the config refuses it",
     ["--server", "a b=27015/udp"], "server 'a b': an id takes letters, digits"),
    ("an id with a slash is refused", ["--server", "eu/1=27015/udp"], "server 'eu/1': an id takes"),
    ("the same id twice is refused", ["--server", "cs=27015/udp", "--server", "cs=27016/udp"],
     "server 'cs': the id is given by an earlier --server too"),
    ("one port for two servers is refused", ["--server", "cs=27015/udp", "--server", "gm=27015/udp"],
     "server 'gm': 27015/udp is already claimed by server 'cs'"),
    ("a range overlapping another server's port is refused",
     ["--server", "cs=27015/udp", "--server", "gm=27010-27020/udp"], "already claimed by server 'cs'"),
]


def main():
    flowlensd = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as conf:
        for proves, args, expect in CASES:
            r = subprocess.run([flowlensd, "run", "--conf-dir", conf, *args], capture_output=True,
                               text=True, timeout=30)
            if r.returncode != 2 or expect not in r.stderr:
                failures.append(f"{proves}: exit {r.returncode}, stderr: {r.stderr.strip()!r}")
        # Fatal errors reach stderr even when the operator turned logging off.
        bad = os.path.join(conf, "10.yaml")
        with open(bad, "w") as f:
            f.write("core: {ebpf_map_size: abc}\n")
        for level in ("off", "critical"):
            r = subprocess.run([flowlensd, "run", "--conf-dir", conf, "--log-level", level],
                               capture_output=True, text=True, timeout=30)
            if r.returncode != 2 or "core.ebpf_map_size: expected a positive integer" not in r.stderr:
                failures.append(f"log level {level}: a config error must still be printed; exit "
                                f"{r.returncode}, stderr: {r.stderr.strip()!r}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"{len(CASES) + 2 - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
