#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every line flowlensd writes on stderr has one format, whichever part wrote it (a usage error, a
command's error, a config error under `log_level: off`, a warning): ISO 8601 time with its zone
offset and the level; under systemd (JOURNAL_STREAM names stderr) a syslog priority prefix and no
time, so `journalctl -p warning` filters it. No root needed.

usage: log_format_test.py FLOWLENSD"""
import os
import re
import subprocess
import sys
import tempfile

TIMESTAMPED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (trace|debug|info|warning|error|critical) \S")
JOURNAL = re.compile(r"<[0-7]>\S")


def cases(d):
    empty, bad = os.path.join(d, "empty"), os.path.join(d, "bad")
    return [
        # (what, args, exit status, text of the error line)
        ("a usage error", ["run", "--bogus"], 2, "--bogus"),
        ("a bad --server", ["run", "--conf-dir", empty, "--server", "a b=1/udp"], 2, "server 'a b'"),
        ("a config error under log level off", ["run", "--conf-dir", bad, "--log-level", "off"], 2,
         "core.ebpf_map_size"),
        ("a config error under log level critical", ["run", "--conf-dir", bad, "--log-level", "critical"], 2,
         "core.ebpf_map_size"),
        ("an interface that does not exist, after a warning",
         ["run", "--conf-dir", empty, "--interface", "flnosuch0", "--server", "a=1/udp"], 1, "flnosuch0"),
        ("replay of a missing capture under log level off",
         ["replay", "--pcap", os.path.join(d, "none.pcap"), "--server", "a=1/udp", "--log-level", "off"], 1,
         "replay: "),
        ("plugins on a missing directory", ["plugins", "--plugin-dir", os.path.join(d, "none")], 1,
         "plugins: "),
        ("check-config given both sources", ["check-config", "--conf-dir", empty, "--config", bad], 2,
         "not both"),
    ]


def run(flowlensd, args, d, journal):
    """Runs with stderr on a file, as journald's stream or not; returns (exit status, stderr lines)."""
    path = os.path.join(d, "stderr")
    with open(path, "w+") as err:
        env = dict(os.environ)
        env.pop("JOURNAL_STREAM", None)
        if journal:
            st = os.fstat(err.fileno())
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        r = subprocess.run([flowlensd, *args], stdout=subprocess.DEVNULL, stderr=err, env=env, timeout=30)
        err.seek(0)
        return r.returncode, [line for line in err.read().splitlines() if line]


def main():
    flowlensd = sys.argv[1]
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "empty"))
        os.makedirs(os.path.join(d, "bad"))
        with open(os.path.join(d, "bad", "10.yaml"), "w") as f:
            f.write("core: {ebpf_map_size: abc}\n")
        for what, args, status, text in cases(d):
            for journal in (False, True):
                form = "journal" if journal else "timestamped"
                rc, lines = run(flowlensd, args, d, journal)
                checked += 1
                pattern = JOURNAL if journal else TIMESTAMPED
                odd = [line for line in lines if not pattern.match(line)]
                errors = [line for line in lines if (line.startswith("<3>") if journal else " error " in line)]
                if rc != status:
                    failures.append(f"{what} ({form}): exit {rc}, expected {status}; stderr: {lines}")
                if odd:
                    failures.append(f"{what} ({form}): lines not in the {form} format: {odd}")
                if not any(text in line for line in errors):
                    failures.append(f"{what} ({form}): no error line containing {text!r}: {lines}")
                if journal and any(TIMESTAMPED.search(line) for line in lines):
                    failures.append(f"{what} (journal): a timestamp of our own under journald: {lines}")
                if "after a warning" in what and not any(
                        line.startswith("<4>") if journal else " warning " in line for line in lines):
                    failures.append(f"{what} ({form}): the warning is missing or at another level: {lines}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"{checked} runs checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
