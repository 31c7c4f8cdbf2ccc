#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The daemon's hold on its interface, on the real kernel: a second flowlensd on the same
interface is refused (it would replace the first one's filters and blind it), and an interface
deleted under the daemon makes every estimate unknown with the reason, never 0, until it comes
back, when the daemon attaches again by itself.

usage: attachment_test.py FLOWLENSD"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import TestHosts, report, require_privileges, stop_daemon  # noqa: E402


def start(hosts, flowlensd, conf, pin_dir):
    return hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, "--pin-dir", pin_dir,
                          "--interface", hosts.dev, "--server", "cs=27015/udp", "--jsonl",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(ticks, predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ticks and predicate(ticks[-1]):
            return ticks[-1]
        time.sleep(0.1)
    return None


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    failures = []
    with TestHosts("att") as hosts, tempfile.TemporaryDirectory() as conf:
        with open(os.path.join(conf, "10.yaml"), "w") as f:
            f.write("core: {metrics_interval: 200ms}\nestimator: {warmup_seconds: 1}\n")
        pins = [f"/sys/fs/bpf/flowlens-test-att{i}-{os.getpid()}" for i in (1, 2)]
        first = start(hosts, flowlensd, conf, pins[0])
        ticks = []

        def read():
            for line in first.stdout:
                ticks.append(json.loads(line)["servers"][0])
        threading.Thread(target=read, daemon=True).start()
        try:
            if not wait_for(ticks, lambda s: s["known"], 15):
                raise RuntimeError(f"no known estimate from the first daemon: {ticks[-3:]}")

            second = start(hosts, flowlensd, conf, pins[1])
            try:
                rc = second.wait(15)
                err = second.stderr.read()
                if rc == 0 or "another flowlensd (pid" not in err:
                    failures.append(f"a second daemon on {hosts.dev} was not refused: exit {rc}, {err}")
            except subprocess.TimeoutExpired:
                second.kill()
                failures.append("a second daemon on the same interface kept running")
            if not wait_for(ticks, lambda s: s["known"], 3):
                failures.append(f"the first daemon lost its estimates to the second: {ticks[-3:]}")

            hosts.run_in(hosts.srv, "ip", "link", "del", hosts.dev)
            gone = wait_for(ticks, lambda s: not s["known"], 5)
            if not gone or gone["active_players"] is not None or \
                    f"interface {hosts.dev} is gone" not in gone.get("unknown_reason", ""):
                failures.append(f"a deleted interface must read unknown with the reason: {ticks[-3:]}")

            # As a Docker bridge or a VM's tap comes back: same name, a new interface.
            hosts.run_in(hosts.srv, "ip", "link", "add", hosts.dev, "type", "veth", "peer", "name",
                         hosts.dev[:14] + "p")
            hosts.run_in(hosts.srv, "ip", "link", "set", hosts.dev, "up")
            if not wait_for(ticks, lambda s: s["known"], 5):
                failures.append(f"not attached again after the interface came back: {ticks[-3:]}")
        finally:
            rc, err = stop_daemon(first, 10)
            for p in pins:
                subprocess.run(["rm", "-rf", p])
        if rc != 0:
            failures.append(f"exit status {rc}; stderr:\n{err}")
        for needle in (f"interface {hosts.dev} is gone: every estimate is unknown",
                       f"attached to {hosts.dev} again"):
            if needle not in err:
                failures.append(f"the log does not say '{needle}':\n{err[-2000:]}")
        if hosts.tc_filters():
            failures.append(f"TC filters left after exit:\n{hosts.tc_filters()}")

        # SIGKILL leaves the filters and the clsact qdisc it created; the next run replaces the
        # filters and, knowing the qdisc was its own, removes it on exit.
        killed = start(hosts, flowlensd, conf, pins[0])
        time.sleep(3)
        killed.kill()
        killed.wait()
        again = start(hosts, flowlensd, conf, pins[0])
        time.sleep(3)
        rc, err = stop_daemon(again, 10)
        subprocess.run(["rm", "-rf", pins[0]])
        if rc != 0 or "clsact left by a killed run of ours" not in err:
            failures.append(f"the run after a SIGKILL did not take back its clsact: exit {rc}\n{err}")
        qdiscs = hosts.run_in(hosts.srv, "tc", "qdisc", "show", "dev", hosts.dev)
        if "clsact" in qdiscs:
            failures.append(f"the clsact qdisc of a killed run is left for ever:\n{qdiscs}")
    return report("attachment", failures)


if __name__ == "__main__":
    sys.exit(main())
