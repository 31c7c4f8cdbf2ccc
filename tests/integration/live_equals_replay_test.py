#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Live equals replay: one generated capture is played through a veth pair at its recorded pace
(client->server frames into the game host's ingress, server->client frames out of its egress),
flowlensd counts it live from the kernel, and `flowlensd replay` counts the same file. The live
per-tick counts must agree with replay within +-1 player on at least 95% of ticks.

The frames carry the capture's addresses but never leave the veth pair between the two namespaces
this test creates (no route, foreign MACs: the namespaces' stacks drop them).

usage: live_equals_replay_test.py FLOWLENSD"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import TestHosts, require_privileges  # noqa: E402

SCENARIO, SECONDS = "churn", 80  # joins and leaves all along: agreement is not trivial
GENERATE = os.path.join(HERE, "..", "accuracy", "suite", "generate.py")
SKIP_FIRST = 15  # both sides need a few seconds of history before players qualify
MIN_AGREEMENT = 0.95


def replay_ticks(flowlensd, pcap, servers):
    args = [flowlensd, "replay", "--pcap", pcap]
    for s in servers:
        args += ["--server", s]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {round(d["t"]): {s["server_id"]: s["active_players"] for s in d["servers"]}
            for d in map(json.loads, out.splitlines())}


def main():
    require_privileges()
    flowlensd = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as work, TestHosts("eq") as hosts:
        # whole frames (--snaplen 65535): they are sent on the wire, not only read
        subprocess.run([sys.executable, GENERATE, "--scenario", SCENARIO, "--params",
                        json.dumps({"duration": SECONDS}), "--snaplen", "65535", "--out", work], check=True)
        pcap = os.path.join(work, "capture.pcap")
        servers = open(os.path.join(work, "servers.txt")).read().split()
        first_ts = json.load(open(os.path.join(work, "meta.json")))["first_ts"]
        expected = replay_ticks(flowlensd, pcap, servers)

        pin_dir = f"/sys/fs/bpf/flowlens-test-eq-{os.getpid()}"
        cmd = [flowlensd, "run", "--conf-dir", work, "--pin-dir", pin_dir, "--interface", hosts.dev, "--jsonl"]
        for s in servers:
            cmd += ["--server", s]
        daemon = hosts.popen_in(hosts.srv, *cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(3)
            if daemon.poll() is not None:
                print(f"FAIL: flowlensd exited at start: {daemon.stderr.read()}")
                return 1
            start_mono = time.monotonic() + 2
            start_wall = time.time() + 2  # the same instant on the wall clock the ticks carry
            senders = []
            for ns, dev, direction in ((hosts.cli, hosts.peer, "in"), (hosts.srv, hosts.dev, "out")):
                args = [sys.executable, os.path.join(HERE, "pcap_sender.py"), "--pcap", pcap, "--iface", dev,
                        "--direction", direction, "--start", str(start_mono)]
                senders.append(hosts.popen_in(ns, *args, stdout=subprocess.PIPE, text=True))
            for s in senders:
                print(s.communicate(timeout=SECONDS + 60)[0].strip())
            time.sleep(1.5)
        finally:
            daemon.send_signal(signal.SIGTERM)
            out, err = daemon.communicate(timeout=20)
            subprocess.run(["rm", "-rf", pin_dir])
        # conf.d here is the scenario folder: it holds no *.yaml, so only --server applies.

    compared, agreed, worst = 0, 0, []
    for line in out.splitlines():
        tick = json.loads(line)
        capture_t = tick["t"] - start_wall + first_ts
        t = round(capture_t)
        if t < first_ts + SKIP_FIRST or t not in expected:
            continue
        for s in tick["servers"]:
            live, want = s["active_players"], expected[t].get(s["server_id"])
            if live is None or want is None:
                continue
            compared += 1
            if abs(live - want) <= 1:
                agreed += 1
            else:
                worst.append((t - round(first_ts), s["server_id"], live, want))
    share = agreed / compared if compared else 0
    print(f"live vs replay: {agreed}/{compared} server-ticks within +-1 ({share:.1%}); "
          f"disagreements (second, server, live, replay): {worst[:15]}")
    if compared < 100 or share < MIN_AGREEMENT:
        print(f"FAIL: need >= {MIN_AGREEMENT:.0%} agreement over >= 100 server-ticks; flowlensd stderr tail:\n"
              + "\n".join(err.splitlines()[-15:]))
        return 1
    print("live equals replay: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
