#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end on the real kernel: flowlensd attached to a veth in a namespace the test creates,
real UDP and TCP clients from several IPv4 and IPv6 addresses (two behind one address, as behind
a NAT) talk to servers on watched ports; the per-tick estimates must match who is playing, drop
when they leave, and no TC filter may be left on the interface after flowlensd exits.

usage: live_netns_test.py FLOWLENSD"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import (CLIENT_V4, CLIENT_V6, SERVER_V4, SERVER_V6, TestHosts, report,  # noqa: E402
                   require_privileges, stop_daemon)

TRAFFIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "game_traffic.py")
PLAY_SECONDS = 30
# UDP players: two addresses, a second port behind the first (NAT), and one IPv6 player.
UDP_SOURCES = [(CLIENT_V4[0], SERVER_V4, 2), (CLIENT_V4[1], SERVER_V4, 1), (CLIENT_V6[0], SERVER_V6, 1)]
TCP_SOURCES = [(CLIENT_V4[2], SERVER_V4, 1), (CLIENT_V6[1], SERVER_V6, 1)]
EXPECT = {"cs": 4, "mc": 2}


class TickReader(threading.Thread):
    """Collects flowlensd's JSON lines as (monotonic arrival, {server_id: players})."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.ticks, self.bad = stream, [], []

    def run(self):
        for line in self.stream:
            try:
                doc = json.loads(line)
                self.ticks.append((time.monotonic(), {s["server_id"]: s["active_players"] for s in doc["servers"]}))
            except (ValueError, KeyError, TypeError):
                self.bad.append(line)

    def between(self, t0, t1):
        return [c for t, c in self.ticks if t0 <= t < t1]


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    failures = []
    with TestHosts("live") as hosts, tempfile.TemporaryDirectory() as empty_conf:
        server = hosts.popen_in(hosts.srv, sys.executable, TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready", "game servers did not start"
        pin_dir = f"/sys/fs/bpf/flowlens-test-{os.getpid()}"
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", empty_conf, "--pin-dir", pin_dir,
                                "--server", "cs=27015/udp", "--server", "mc=25565/tcp", "--jsonl",
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reader = TickReader(daemon.stdout)
        reader.start()
        try:
            time.sleep(3)  # attach before the first player joins
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start ({daemon.returncode}): {daemon.stderr.read()}")
            start = time.monotonic()
            clients = []
            for proto, port, sources in (("udp", 27015, UDP_SOURCES), ("tcp", 25565, TCP_SOURCES)):
                for src, dst, n in sources:
                    clients.append(hosts.popen_in(
                        hosts.cli, sys.executable, TRAFFIC, "client", "--proto", proto, "--server", dst,
                        "--port", str(port), "--source", src, "--per-source", str(n), "--rate", "25",
                        "--seconds", str(PLAY_SECONDS), stderr=subprocess.PIPE, text=True))
            for c in clients:
                if c.wait(PLAY_SECONDS + 20) != 0:
                    failures.append(f"client failed: {c.stderr.read()}")
            left = time.monotonic()
            # Players have left, every one in the same second: the estimator holds them as for a
            # map load (server_pause_hold_seconds, 30 s), then the estimate must fall to zero.
            time.sleep(35)

            steady = reader.between(start + 15, start + PLAY_SECONDS - 2)
            for sid, want in EXPECT.items():
                got = [c.get(sid) for c in steady]
                good = sum(1 for g in got if g == want)
                print(f"{sid}: expected {want} players while playing, ticks: {got}")
                if not got or good < 0.9 * len(got):
                    failures.append(f"{sid}: expected {want} players on >=90% of steady ticks, got {got}")
            after = reader.between(left + 31, left + 35)
            print(f"after leaving: {after}")
            if not after or any(c.get(sid) != 0 for c in after for sid in EXPECT):
                failures.append(f"players did not drop to 0 within 31 s of leaving: {after}")
            if reader.bad:
                failures.append(f"non-JSON lines on stdout: {reader.bad[:3]}")
        finally:
            rc, err = stop_daemon(daemon, 15)
            server.kill()
            subprocess.run(["rm", "-rf", pin_dir])
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; stderr:\n{err}")
        left_over = hosts.tc_filters()
        if left_over:
            failures.append(f"TC filters left on {hosts.dev} after exit:\n{left_over}")
    return report("live end-to-end", failures)


if __name__ == "__main__":
    sys.exit(main())
