#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The daemon's hold on its interface, on the real kernel: a second flowlensd on the same
interface is refused (it would replace the first one's filters and blind it), and an interface
deleted under the daemon makes every estimate unknown with the reason, never 0, until it comes
back, when the daemon attaches again by itself. Sharing the hook: the daemon attaches at the
configured core.tc_priority, warns once about another tool's program that runs before it, and
leaves other tools' filters as they were.

usage: attachment_test.py FLOWLENSD EMPTY_BPF_OBJECT"""
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


def check_neighbours(hosts, flowlensd, empty_obj, failures):
    """Another tool's filters at priorities 1 (egress) and 9 (ingress); FlowLens at 7."""
    def tc(*args):
        hosts.run_in(hosts.srv, "tc", *args)
    tc("qdisc", "add", "dev", hosts.dev, "clsact")
    for hook, prio in (("egress", "1"), ("ingress", "9")):
        tc("filter", "add", "dev", hosts.dev, hook, "prio", prio, "handle", "7", "bpf", "da", "obj",
           empty_obj, "sec", "tc")
    pin = f"/sys/fs/bpf/flowlens-test-att3-{os.getpid()}"
    with tempfile.TemporaryDirectory() as conf:
        with open(os.path.join(conf, "10.yaml"), "w") as f:
            f.write("core: {metrics_interval: 200ms, tc_priority: 7}\n")
        daemon = start(hosts, flowlensd, conf, pin)
        time.sleep(3)
        during = hosts.tc_filters()
        rc, err = stop_daemon(daemon, 10)
        subprocess.run(["rm", "-rf", pin])
    if rc != 0:
        failures.append(f"with other tools' filters: exit {rc}\n{err}")
    for ours in ("pref 7 bpf chain 0 handle 0x464c flowlens_tc_in",
                 "pref 7 bpf chain 0 handle 0x464c flowlens_tc_out"):
        if ours not in during:
            failures.append(f"not attached at the configured priority 7 ('{ours}'):\n{during}")
    ahead = f"{hosts.dev} egress: priority 1 bpf direct-action 'flowlens_empty.bpf.o:[tc]'"
    if err.count(ahead) != 1 or f"{hosts.dev} ingress: priority" in err:
        failures.append(f"one warning about the egress filter at priority 1 expected:\n{err}")
    after = hosts.tc_filters()
    if "flowlens_tc" in after or after.count("handle 0x7 flowlens_empty") != 2:
        failures.append(f"after exit only the other tool's two filters must be left:\n{after}")


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    empty_obj = os.path.abspath(sys.argv[2])
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
        check_neighbours(hosts, flowlensd, empty_obj, failures)
    return report("attachment", failures)


if __name__ == "__main__":
    sys.exit(main())
