#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The real daemon under load: 1,000 servers from discovery-static, wrk with 200 connections on
the JSON API's list and 64 on sink-prometheus's /metrics for LOAD_SECONDS, 500 slow-loris
connections on the JSON API, and a monitoring client asking one request at a time. RSS and open
fds stay within bounds and fall back afterwards, every monitoring request is answered within its
timeout, slow-loris connections are closed by the header (read) timeout, and the Prometheus
sink's connection limit, set below wrk's connections, is reported: one log line and a counter.

In a sanitizer build (--sanitized) the load runs for SANITIZED_SECONDS and RSS is reported but not
bounded: the sanitizer's own allocator and shadow memory are what it would measure.

usage: load_test.py FLOWLENSD PLUGIN_DIR [--sanitized]"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import TestHosts, daemon_dirs, report, require_privileges, stop_daemon  # noqa: E402

CLIENTS = os.path.join(HERE, "http_clients.py")
SERVERS = 1000
FIRST_GAME_PORT = 20000
API, PROM = 18091, 19111
LOAD_SECONDS, SANITIZED_SECONDS = 60, 20
WRK_API_CONNECTIONS, WRK_PROM_CONNECTIONS, SLOW_CONNECTIONS = 200, 64, 500
# The API is sized for the load (200 + 500 + the monitoring client); Prometheus is not, on purpose.
API_MAX_CONNECTIONS, PROM_MAX_CONNECTIONS = 1000, 32
READ_TIMEOUT = 10  # the shared server's default limits.read_timeout_ms, in seconds
REQUEST_TIMEOUT = 5  # the monitoring client's own timeout per request
# Measured on the 2-core reference machine (README "Load"): 17.5 MiB at rest, 39.6 MiB at the peak
# and 28.9 MiB after. The bound is twice the peak; fds are bounded by the connection limits.
MAX_RSS_KIB = 80 * 1024
SLOW_CLOSE_SLACK = 5  # seconds past the read timeout: the client notices a close on a busy machine
FDS_SLACK = 32  # pins, maps, the lock, epoll and timers beyond the connections


# One GET inside the namespace: the body, whatever the status.
FETCH = """
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
"""


def write_conf(conf, hosts, plugins, pins):
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write(f"core: {{interface: {hosts.dev}, pin_dir: {pins}, plugin_dir: {plugins}, "
                "metrics_interval: 1s}\n")
    with open(os.path.join(conf, "20-static.yaml"), "w") as f:
        f.write("plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n")
        for i in range(SERVERS):
            f.write(f"        - {{id: srv-{i}, endpoints: [\"{FIRST_GAME_PORT + i}/udp\"]}}\n")
    with open(os.path.join(conf, "30-api.yaml"), "w") as f:
        f.write(f"plugins:\n  api:\n    plugin: sink-jsonapi\n    config: {{listen: [\"127.0.0.1:{API}\"], "
                f"auth: none, limits: {{max_connections: {API_MAX_CONNECTIONS}}}}}\n")
    with open(os.path.join(conf, "40-prom.yaml"), "w") as f:
        f.write(f"plugins:\n  prom:\n    plugin: sink-prometheus\n    config: {{listen: [\"127.0.0.1:{PROM}\"], "
                f"limits: {{max_connections: {PROM_MAX_CONNECTIONS}}}}}\n")


def usage(pid):
    """(RSS in KiB, open fds) of a live process."""
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while not self.stop.wait(0.5):
            try:
                self.samples.append(usage(self.pid))
            except (OSError, AttributeError):
                return


def main():
    require_privileges()
    flowlensd, plugin_src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sanitized = "--sanitized" in sys.argv[3:]
    seconds = SANITIZED_SECONDS if sanitized else LOAD_SECONDS
    failures = []
    with TestHosts("load") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, f"{name}.so") for name in ("discovery-static", "sink-jsonapi", "sink-prometheus")])
        pins = f"/sys/fs/bpf/flowlens-test-load-{os.getpid()}"
        write_conf(conf, hosts, plugins, pins)

        def get(port, path):
            return hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, f"http://127.0.0.1:{port}{path}",
                                check=False)

        log_path = os.path.join(work, "flowlensd.log")
        with open(log_path, "w") as log:
            daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                    stdout=subprocess.DEVNULL, stderr=log)
        rc = None
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and daemon.poll() is None:
                body = get(API, "/metrics/servers")
                if body.startswith("{") and len(json.loads(body)["servers"]) == SERVERS:
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"the API did not list {SERVERS} servers (exit {daemon.poll()})")
            time.sleep(2)
            before = usage(daemon.pid)
            sampler = Sampler(daemon.pid)
            sampler.start()
            py = sys.executable
            wrk = [hosts.popen_in(hosts.srv, "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s",
                                  "--latency", url, stdout=subprocess.PIPE, text=True)
                   for conns, url in ((WRK_API_CONNECTIONS, f"http://127.0.0.1:{API}/metrics/servers"),
                                      (WRK_PROM_CONNECTIONS, f"http://127.0.0.1:{PROM}/metrics"))]
            slow = hosts.popen_in(hosts.srv, py, CLIENTS, "slowloris", "127.0.0.1", str(API), "--connections",
                                  str(SLOW_CONNECTIONS), "--seconds", str(seconds), stdout=subprocess.PIPE,
                                  text=True)
            steady = hosts.popen_in(hosts.srv, py, CLIENTS, "steady", "127.0.0.1", str(API), "/metrics/servers",
                                    "--seconds", str(seconds), "--timeout", str(REQUEST_TIMEOUT),
                                    stdout=subprocess.PIPE, text=True)
            time.sleep(seconds - 5)
            health_during = json.loads(get(API, "/health"))
            wrk_out = [w.communicate(timeout=seconds)[0] for w in wrk]
            slow_out = json.loads(slow.communicate(timeout=30)[0])
            steady_out = json.loads(steady.communicate(timeout=30)[0])
            time.sleep(3)  # the clients are gone: every connection closes
            sampler.stop.set()
            after = usage(daemon.pid)
            health_after = json.loads(get(API, "/health"))
            prom_after = get(PROM, "/metrics")
        finally:
            rc, _ = stop_daemon(daemon, 30)
            subprocess.run(["rm", "-rf", pins])
        with open(log_path) as f:
            err = f.read()

        peak_rss = max(s[0] for s in sampler.samples)
        peak_fds = max(s[1] for s in sampler.samples)
        latencies = sorted(r["seconds"] for r in steady_out)
        print(f"RSS KiB before {before[0]}, peak {peak_rss}, after {after[0]}; "
              f"fds before {before[1]}, peak {peak_fds}, after {after[1]}")
        print(f"monitoring client: {len(latencies)} requests, p50 {latencies[len(latencies) // 2]:.3f} s, "
              f"p99 {latencies[int(len(latencies) * 0.99)]:.3f} s, max {latencies[-1]:.3f} s")
        print("slow-loris:", slow_out)
        print("/health connections during the load:", health_during.get("connections"),
              "after:", health_after.get("connections"))
        for out in wrk_out:
            print(out)

        if rc != 0:
            failures.append(f"flowlensd exit status {rc}; log tail:\n{err[-3000:]}")
        if not sanitized and (peak_rss > MAX_RSS_KIB or after[0] > MAX_RSS_KIB):
            failures.append(f"RSS peak {peak_rss} KiB / after {after[0]} KiB, bound {MAX_RSS_KIB} KiB")
        fd_bound = before[1] + API_MAX_CONNECTIONS + PROM_MAX_CONNECTIONS + FDS_SLACK
        if peak_fds > fd_bound:
            failures.append(f"open fds peaked at {peak_fds}, above the connection limits' bound {fd_bound}")
        if after[1] > before[1] + 4:
            failures.append(f"fds not released after the load: {before[1]} before, {after[1]} after")
        bad = [r for r in steady_out if r["status"] != 200 or r["seconds"] > REQUEST_TIMEOUT]
        if bad or len(steady_out) < seconds:
            failures.append(f"monitoring requests not answered within {REQUEST_TIMEOUT} s: {bad[:5]} "
                            f"({len(steady_out)} requests)")
        if slow_out["closed_by_server"] < SLOW_CONNECTIONS or slow_out["max_lifetime"] > READ_TIMEOUT + SLOW_CLOSE_SLACK:
            failures.append(f"slow-loris connections were not closed by the {READ_TIMEOUT} s read timeout: "
                            f"{slow_out}")
        if slow_out["oldest_open_at_end"] > READ_TIMEOUT + SLOW_CLOSE_SLACK or slow_out["refused_503"]:
            failures.append(f"slow-loris connections outlived the read timeout or were refused: {slow_out}")
        api_non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk_out[0])
        if api_non2xx or "Requests/sec" not in wrk_out[0]:
            failures.append(f"the JSON API, below its limit, answered errors:\n{wrk_out[0]}")
        limit_lines = [line for line in err.splitlines() if "connection limit reached" in line]
        if len(limit_lines) != 1 or "sink-prometheus: connection limit" not in limit_lines[0]:
            failures.append(f"the Prometheus sink's limit must be logged exactly once: {limit_lines}")
        refused = re.search(r"^flowlens_sink_prometheus_connections_refused_total (\d+)", prom_after, re.M)
        if not refused or int(refused.group(1)) == 0:
            failures.append("flowlens_sink_prometheus_connections_refused_total does not count the refusals")
        want = {"max": API_MAX_CONNECTIONS, "refused": 0}
        during = health_during.get("connections") or {}
        if {k: during.get(k) for k in want} != want or during.get("open", 0) < SLOW_CONNECTIONS:
            failures.append(f"/health connections during the load: {during}")
        if (health_after.get("connections") or {}).get("open", 99) > 2:
            failures.append(f"/health connections after the load: {health_after.get('connections')}")
    return report("load", failures)


if __name__ == "__main__":
    sys.exit(main())
