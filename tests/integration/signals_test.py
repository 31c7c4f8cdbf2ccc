#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Signals on the real daemon: SIGHUP must not end it (the default action would, leaving its TC
filters attached), and SIGTERM must end it even when it arrives while a tick is overdue (the
process was stopped longer than an interval, as under a VM pause or `docker pause`).

usage: signals_test.py FLOWLENSD"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import TestHosts, report, require_privileges, stop_daemon  # noqa: E402


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    failures = []
    with TestHosts("sig") as hosts, tempfile.TemporaryDirectory() as conf:
        with open(os.path.join(conf, "10-core.yaml"), "w") as f:
            f.write("core: {metrics_interval: 200ms}\n")
        pin_dir = f"/sys/fs/bpf/flowlens-test-sig-{os.getpid()}"
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, "--pin-dir", pin_dir,
                                "--server", "cs=27015/udp", "--jsonl",
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ticks = []
        threading.Thread(target=lambda: [ticks.append(time.monotonic()) for _ in daemon.stdout],
                         daemon=True).start()
        rc, err = None, ""
        try:
            deadline = time.monotonic() + 15
            while not ticks and daemon.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if not ticks:
                raise RuntimeError(f"flowlensd printed no tick ({daemon.poll()}): {daemon.stderr.read()}")

            daemon.send_signal(signal.SIGHUP)
            time.sleep(1.5)
            before = len(ticks)
            time.sleep(1)
            if daemon.poll() is not None:
                failures.append(f"SIGHUP ended the daemon (exit {daemon.returncode})")
            elif len(ticks) <= before:
                failures.append("no ticks after SIGHUP: the daemon stopped working")

            # Stopped for 15 intervals: completions pile up; SIGTERM arrives before it resumes.
            daemon.send_signal(signal.SIGSTOP)
            time.sleep(3)
            daemon.send_signal(signal.SIGTERM)
            daemon.send_signal(signal.SIGCONT)
            try:
                rc = daemon.wait(10)
            except subprocess.TimeoutExpired:
                failures.append("SIGTERM after a stall was ignored: still running 10 s later")
            err = daemon.stderr.read() if rc is not None else ""
        finally:
            if daemon.poll() is None:
                rc, err = stop_daemon(daemon, 5)
                daemon.kill()
            subprocess.run(["rm", "-rf", pin_dir])
        if rc not in (0, None):
            failures.append(f"exit status {rc} after SIGTERM; stderr:\n{err}")
        if "SIGHUP" not in err and not failures:
            failures.append(f"SIGHUP was not logged; stderr:\n{err}")
        # Under `ip netns exec` /sys is this process's own: pins cannot outlive it, and the log
        # must not promise that a restart continues from them.
        if err and ("inside this process's own mount namespace" not in err
                    or "a restart continues from these counts" in err):
            failures.append(f"pins in a private mount namespace were not reported as such:\n{err}")
        left_over = hosts.tc_filters()
        if left_over:
            failures.append(f"TC filters left on {hosts.dev} after exit:\n{left_over}")
    return report("signals", failures)


if __name__ == "__main__":
    sys.exit(main())
