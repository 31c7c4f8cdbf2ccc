#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: resident memory of flowlensd with every shipped plugin loaded (the shipped conf.d/)
and N flows in the kernel map. Flows are made by sending two UDP frames per client endpoint into
the game host's interface, inside network namespaces this script creates and removes.

usage: flowlensd_rss.py FLOWLENSD PLUGIN_DIR [--flows 100000]   (root)
prints: rss_mb, flows held, and the same with no flows for reference"""
import argparse
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netns import TestHosts, require_privileges  # noqa: E402

GAME_PORT = 27015  # cs2 in the shipped conf.d/
MAX_FLOWS = 1 << 20


def frame(i):
    src = struct.pack("!I", (198 << 24) | (51 << 16) | (i >> 14))  # 2^14 ports per address
    sport = 1024 + (i & 0x3FFF)
    udp = struct.pack("!HHHH", sport, GAME_PORT, 8 + 16, 0) + b"\x01" * 16
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, bytes([192, 0, 2, 1]))
    return b"\x02\x00\x00\x00\x00\x0a" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("flowlensd")
    ap.add_argument("plugin_dir")
    ap.add_argument("--flows", type=int, default=100000)
    a = ap.parse_args()
    require_privileges()
    if not 0 < a.flows <= MAX_FLOWS:
        sys.exit(f"--flows: 1..{MAX_FLOWS}")
    with TestHosts("rss") as hosts, tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "conf.d")
        shutil.copytree(os.path.join(ROOT, "conf.d"), conf)
        pins = f"/sys/fs/bpf/flowlens-bench-rss-{os.getpid()}"
        with open(os.path.join(conf, "90-bench.yaml"), "w") as f:
            f.write(f"core: {{interface: {hosts.dev}, pin_dir: {pins}, plugin_dir: {os.path.abspath(a.plugin_dir)}, "
                    f"ebpf_map_size: {max(65536, 2 * a.flows)}, log_level: info}}\n")
        daemon = hosts.popen_in(hosts.srv, a.flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(4)
            if daemon.poll() is not None:
                sys.exit(f"flowlensd exited: {daemon.stderr.read()}")
            # ip netns exec runs flowlensd as a child: find the daemon's own pid.
            pid = int(subprocess.run(["pgrep", "-n", "-f", f"{a.flowlensd} run --conf-dir {conf}"],
                                     capture_output=True, text=True).stdout.split()[0])
            idle = rss_mb(pid)
            sender = f"""
import socket, sys
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
from flowlensd_rss import frame
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(({hosts.peer!r}, 0))
for i in range({a.flows}):
    f = frame(i)
    s.send(f)  # the first packet parks the flow in the probation map,
    s.send(f)  # the second admits it to the flow map

"""
            t0 = time.monotonic()
            hosts.run_in(hosts.cli, sys.executable, "-c", sender)
            sent_s = time.monotonic() - t0
            time.sleep(5)  # a few ticks over the full map
            loaded = rss_mb(pid)
            daemon.send_signal(signal.SIGTERM)
            err = daemon.communicate(timeout=30)[1]
            held = [line.split("(")[-1].split(" flows")[0] for line in err.splitlines() if " flows, tick" in line]
        finally:
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(30)
            subprocess.run(["rm", "-rf", pins])
    print(f"flowlensd RSS, shipped conf.d/ (discovery-static + sink-jsonapi): {idle:.1f} MB with no flows, "
          f"{loaded:.1f} MB with {held[-1] if held else '?'} flows in the map ({2 * a.flows} frames sent in "
          f"{sent_s:.1f} s)")


if __name__ == "__main__":
    main()
