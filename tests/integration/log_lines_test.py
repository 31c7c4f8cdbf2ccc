#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The running daemon's own lines and libbpf's come out in the one format: ISO 8601 time with its
zone offset on a file, `<N>` syslog priorities and no time when stderr is journald's stream
(JOURNAL_STREAM), where libbpf's debug output must be at debug (7) and the tick lines at info (6).

usage: log_lines_test.py FLOWLENSD"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import TestHosts, report, require_privileges  # noqa: E402

TIMESTAMPED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (trace|debug|info|warning|error|critical) \S")
JOURNAL = re.compile(r"<[0-7]>\S")
RUN_SECONDS = 2.5


def run_daemon(hosts, flowlensd, conf, pins, work, journal):
    """Runs the daemon at debug level for RUN_SECONDS with stderr on a file; returns its lines."""
    path = os.path.join(work, "stderr")
    with open(path, "w+") as err:
        env = dict(os.environ)
        env.pop("JOURNAL_STREAM", None)
        if journal:
            st = os.fstat(err.fileno())
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, "--pin-dir", pins,
                                "--server", "cs=27015/udp", "--jsonl", "--log-level", "debug",
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(RUN_SECONDS)
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(15)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
        err.seek(0)
        return [line for line in err.read().splitlines() if line]


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    failures = []
    with TestHosts("log") as hosts, tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "conf.d")
        os.makedirs(conf)
        with open(os.path.join(conf, "10-core.yaml"), "w") as f:
            f.write("core: {metrics_interval: 200ms}\n")
        pins = f"/sys/fs/bpf/flowlens-test-log-{os.getpid()}"
        try:
            for journal in (False, True):
                form = "journal" if journal else "timestamped"
                lines = run_daemon(hosts, flowlensd, conf, pins, work, journal)
                pattern = JOURNAL if journal else TIMESTAMPED
                odd = [line for line in lines if not pattern.match(line)]
                if odd:
                    failures.append(f"{form}: {len(odd)} of {len(lines)} lines not in the format, e.g. {odd[:3]}")
                libbpf = "<7>libbpf: " if journal else " debug libbpf: "
                if not any(libbpf in line for line in lines):
                    failures.append(f"{form}: no libbpf debug line ({libbpf!r}) in: {lines[:10]}")
                if any("libbpf: libbpf:" in line for line in lines):
                    failures.append(f"{form}: libbpf named twice in a line")
                tick = "<6>players: " if journal else " info players: "
                if not any(line.startswith(tick) if journal else tick in line for line in lines):
                    failures.append(f"{form}: no tick line ({tick!r}) in: {lines[-10:]}")
                if journal and any(TIMESTAMPED.search(line) for line in lines):
                    failures.append("journal: a timestamp of our own under journald")
                print(f"{form}: {len(lines)} lines, e.g. {lines[-1]!r}")
        finally:
            subprocess.run(["rm", "-rf", pins])
    return report("log_lines", failures)


if __name__ == "__main__":
    sys.exit(main())
