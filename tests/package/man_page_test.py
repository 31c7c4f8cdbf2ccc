#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""flowlensd(8) stays true to the binary: it renders without a groff warning, names every command
`flowlensd --help` lists and every option of `flowlensd run --help` (the daemon's own).

usage: man_page_test.py FLOWLENSD MAN_PAGE"""
import re
import subprocess
import sys


def main():
    flowlensd, page = sys.argv[1], sys.argv[2]
    failures = []
    r = subprocess.run(["groff", "-man", "-ww", "-z", page], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        failures.append(f"groff -man -ww: exit {r.returncode}: {r.stderr.strip()}")
    with open(page) as f:
        text = f.read().replace("\\-", "-")

    top = subprocess.run([flowlensd, "--help"], capture_output=True, text=True).stdout
    commands = re.findall(r"^  ([a-z][a-z-]*) ", top.split("Subcommands:", 1)[-1], re.M)
    if not commands:
        failures.append(f"no commands found in `flowlensd --help`:\n{top}")
    for command in commands:
        if not re.search(rf"^\.B {re.escape(command)}$", text, re.M):
            failures.append(f"command '{command}' (flowlensd --help) has no entry in {page}")

    run_help = subprocess.run([flowlensd, "run", "--help"], capture_output=True, text=True).stdout
    for option in sorted(set(re.findall(r"--[a-z][a-z-]*", run_help)) - {"--help"}):
        if option not in text:
            failures.append(f"option {option} (flowlensd run --help) is not in {page}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("man_page:", "FAILED" if failures else f"passed ({len(commands)} commands)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
