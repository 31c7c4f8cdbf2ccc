#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: sink-prometheus in a running flowlensd with SERVERS game servers: how long a scrape
of /metrics takes, how big the body is, and how much resident memory the sink adds.

flowlensd runs attached to a veth in a network namespace this script creates and removes, with
discovery-static listing SERVERS servers (no traffic: every server 0 players, known after the
warm-up) and a new snapshot every second. Two runs: without sink-prometheus (the reference) and
with it on 127.0.0.1 inside the namespace, scraped by wrk with one connection (one scraper, as
Prometheus is) and then with 10. RSS is read from /proc after the same settling time in both.

usage: flowlensd_prometheus.py FLOWLENSD PLUGIN_DIR [--servers 1000] [--duration 10s]   (root)
prints: wrk's reports and RESULT lines"""
import argparse
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

SINK_PORT = 19111
FIRST_GAME_PORT = 20000
MAX_SERVERS = 20000
SETTLE_SECONDS = 12  # past the estimator's warm-up, so every server is known and rendered

FETCH = """
import sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%d/metrics", timeout=5) as r:
    sys.stdout.write(r.read().decode())
""" % SINK_PORT


def write_conf(conf, hosts, plugin_dir, pins, servers, with_sink):
    os.makedirs(conf)
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write(f"core: {{interface: {hosts.dev}, pin_dir: {pins}, plugin_dir: {plugin_dir}, "
                "metrics_interval: 1s, log_level: warn}\n")
    with open(os.path.join(conf, "20-discovery-static.yaml"), "w") as f:
        f.write("plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n")
        for i in range(servers):
            f.write(f"        - {{id: srv-{i}, name: Server {i}, "
                    f"endpoints: [\"{FIRST_GAME_PORT + i}/udp\"], labels: {{game: cs2}}}}\n")
    if with_sink:
        with open(os.path.join(conf, "40-sink-prometheus.yaml"), "w") as f:
            f.write("plugins:\n  prometheus:\n    plugin: sink-prometheus\n    config:\n"
                    f"      listen: [\"127.0.0.1:{SINK_PORT}\"]\n      labels: [game]\n")


def rss_mb(pid):
    # `ip netns exec` execs the daemon, so the pid is flowlensd's own.
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wrk(hosts, connections, duration):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency",
           f"http://127.0.0.1:{SINK_PORT}/metrics"]
    print("#", " ".join(cmd))
    out = hosts.run_in(hosts.srv, *cmd)
    print(out)
    rps = re.search(r"^Requests/sec:\s+(\S+)", out, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return " ".join(f"{k} {m.group(1) if m else '?'}" for k, m in (("req/s", rps), ("p50", p50), ("p99", p99)))


def run(a, with_sink):
    with TestHosts("prb") as hosts, tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "conf.d")
        pins = "/sys/fs/bpf/flowlens-bench-prom"
        write_conf(conf, hosts, os.path.abspath(a.plugin_dir), pins, a.servers, with_sink)
        log = open(os.path.join(work, "flowlensd.log"), "w+")
        daemon = hosts.popen_in(hosts.srv, os.path.abspath(a.flowlensd), "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            time.sleep(SETTLE_SECONDS)
            if daemon.poll() is not None:
                log.seek(0)
                sys.exit(f"flowlensd exited ({daemon.returncode}): {log.read()}")
            if not with_sink:
                return rss_mb(daemon.pid), None
            body = hosts.run_in(hosts.srv, sys.executable, "-c", FETCH)
            known = len(re.findall(r"^flowlens_active_players\{", body, re.M))
            print(f"# /metrics: {len(body)} bytes, {known} servers with a player count; "
                  f"load average {os.getloadavg()[0]:.2f}")
            one = wrk(hosts, 1, a.duration)
            ten = wrk(hosts, 10, a.duration)
            return rss_mb(daemon.pid), (len(body), known, one, ten)
        finally:
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
                try:
                    daemon.wait(30)
                except subprocess.TimeoutExpired:
                    daemon.kill()
            log.close()


def main():
    # A SIGTERM (timeout, CI cancel) unwinds like Ctrl-C, so the namespaces and the daemon go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("flowlensd_prometheus.py: terminated"))
    ap = argparse.ArgumentParser()
    ap.add_argument("flowlensd")
    ap.add_argument("plugin_dir")
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--duration", default="10s")
    a = ap.parse_args()
    require_privileges()
    if not 0 < a.servers <= MAX_SERVERS:
        sys.exit(f"--servers: 1..{MAX_SERVERS}")
    if not re.fullmatch(r"[1-9][0-9]?s", a.duration):
        sys.exit("--duration: 1s..99s")
    rss_without, _ = run(a, False)
    rss_with, (size, known, one, ten) = run(a, True)
    print(f"RESULT {a.servers} servers ({known} known): body {size} bytes; "
          f"1 scraper: {one}; 10 scrapers: {ten}")
    print(f"RESULT RSS: {rss_without:.1f} MB without sink-prometheus, {rss_with:.1f} MB with it "
          f"after the scrapes: +{rss_with - rss_without:.1f} MB")


if __name__ == "__main__":
    main()
