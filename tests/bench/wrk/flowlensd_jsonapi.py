#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: wrk against the JSON API served by a running flowlensd, not the plugin alone.

flowlensd runs attached to a veth in a network namespace this script creates and removes, with
discovery-static listing SERVERS game servers (no traffic, so every server reports 0 players) and
sink-jsonapi on 127.0.0.1 inside that namespace. The daemon publishes a new snapshot every second
while wrk runs, as in production. wrk runs inside the same namespace: nothing leaves it.

usage: flowlensd_jsonapi.py FLOWLENSD PLUGIN_DIR [--servers 1000] [--duration 10s]
       [--connections 50] [--wrk-threads 2]   (root)
prints: wrk's report and one RESULT line"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netns import TestHosts, require_privileges  # noqa: E402

API_PORT = 18090
FIRST_GAME_PORT = 20000
MAX_SERVERS = 20000
START_SECONDS = 30

FETCH = """
import sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%d" + sys.argv[1], timeout=5) as r:
    sys.stdout.write(r.read().decode())
""" % API_PORT


def write_conf(conf, hosts, plugin_dir, pins, servers):
    os.makedirs(conf)
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write(f"core: {{interface: {hosts.dev}, pin_dir: {pins}, plugin_dir: {plugin_dir}, "
                "metrics_interval: 1s, log_level: warn}\n")
    with open(os.path.join(conf, "20-discovery-static.yaml"), "w") as f:
        f.write("plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n")
        for i in range(servers):
            f.write(f"        - {{id: srv-{i}, name: Server {i}, "
                    f"endpoints: [\"{FIRST_GAME_PORT + i}/udp\"], labels: {{game: cs2}}}}\n")
    with open(os.path.join(conf, "30-sink-jsonapi.yaml"), "w") as f:
        f.write("plugins:\n  api:\n    plugin: sink-jsonapi\n    config:\n"
                f"      listen: [\"127.0.0.1:{API_PORT}\"]\n      auth: none\n")


def wait_for_servers(hosts, daemon, log, servers):
    """The list body once the API lists every server; exits if the daemon dies or is too slow."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            log.seek(0)
            sys.exit(f"flowlensd exited ({daemon.returncode}): {log.read()}")
        r = subprocess.run(["ip", "netns", "exec", hosts.srv, sys.executable, "-c", FETCH,
                            "/metrics/servers"], capture_output=True, text=True)
        if r.returncode == 0:
            body = r.stdout
            doc = json.loads(body)
            listed = doc if isinstance(doc, list) else doc.get("servers", [])
            if len(listed) == servers:
                return body
        time.sleep(0.5)
    sys.exit(f"the API did not list {servers} servers within {START_SECONDS} s")


def main():
    # A SIGTERM (timeout, CI cancel) unwinds like Ctrl-C, so the namespaces and the daemon go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("flowlensd_jsonapi.py: terminated"))
    ap = argparse.ArgumentParser()
    ap.add_argument("flowlensd")
    ap.add_argument("plugin_dir")
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--wrk-threads", type=int, default=2)
    a = ap.parse_args()
    require_privileges()
    if not 0 < a.servers <= MAX_SERVERS:
        sys.exit(f"--servers: 1..{MAX_SERVERS}")
    if not re.fullmatch(r"[1-9][0-9]?s", a.duration):
        sys.exit("--duration: 1s..99s")
    with TestHosts("wrk") as hosts, tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "conf.d")
        # `ip netns exec` gives the daemon its own /sys, where it mounts a bpffs of its own: these
        # pins go away with it.
        pins = "/sys/fs/bpf/flowlens-bench-wrk"
        write_conf(conf, hosts, os.path.abspath(a.plugin_dir), pins, a.servers)
        log = open(os.path.join(work, "flowlensd.log"), "w+")
        daemon = hosts.popen_in(hosts.srv, os.path.abspath(a.flowlensd), "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            body = wait_for_servers(hosts, daemon, log, a.servers)
            url = f"http://127.0.0.1:{API_PORT}/metrics/servers"
            cmd = ["wrk", f"-t{a.wrk_threads}", f"-c{a.connections}", f"-d{a.duration}", "--latency", url]
            print(f"# flowlensd, {a.servers} servers from discovery-static, list body {len(body)} bytes; "
                  f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
            print("#", " ".join(cmd))
            out = hosts.run_in(hosts.srv, *cmd)
            print(out)
            rps = re.search(r"^Requests/sec:\s+(\S+)", out, re.M)
            p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
            print(f"RESULT flowlensd /metrics/servers: {rps.group(1) if rps else '?'} req/s, "
                  f"p99 {p99.group(1) if p99 else '?'}")
        finally:
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
                try:
                    daemon.wait(30)
                except subprocess.TimeoutExpired:
                    daemon.kill()
            log.close()


if __name__ == "__main__":
    main()
