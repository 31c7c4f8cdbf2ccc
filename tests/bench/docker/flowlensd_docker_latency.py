#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Figure: `docker run -d` returned -> the container's server in flowlensd's /metrics/servers.

flowlensd (discovery-docker + sink-jsonapi) attached to a veth in a namespace this script makes,
with a dockerd of its own in that namespace (as tests/discovery_docker/docker_e2e_test.py sets
them up). A poller inside the namespace asks /metrics/servers every 10 ms; each run starts a
container publishing a port, waits for its server, removes it and waits for it to leave.

usage (root): flowlensd_docker_latency.py FLOWLENSD PLUGIN_DIR [RUNS]"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "..", "discovery_docker")
sys.path.insert(0, E2E)
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
import docker_e2e_test as e2e  # noqa: E402
from netns import TestHosts  # noqa: E402

# Runs in the game host's namespace: reads ids on stdin, prints the ms until each appears in (or,
# prefixed with '-', leaves) /metrics/servers.
POLLER = """
import json, sys, time, urllib.request
def ids():
    req = urllib.request.Request("http://%s/metrics/servers")
    req.add_header("Authorization", "Bearer %s")
    with urllib.request.urlopen(req, timeout=5) as r:
        return {s["server_id"] for s in json.loads(r.read())["servers"]}
for line in sys.stdin:
    want = line.strip()
    gone = want.startswith("-")
    sid = want.lstrip("-")
    t0 = time.monotonic()
    while (sid in ids()) == gone and time.monotonic() - t0 < 10:
        time.sleep(0.01)
    print(round((time.monotonic() - t0) * 1000, 1), flush=True)
""" % (e2e.API, e2e.TOKEN)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * (len(v) - 1) + 0.5))]


def main():
    e2e.require_privileges()
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    work = f"/tmp/fl-dkb-{os.getpid()}"
    os.makedirs(work, mode=0o755)
    try:
        with TestHosts("dkb") as hosts:
            dockerd = e2e.Dockerd(hosts.srv, work)
            try:
                measure(hosts, dockerd, work, flowlensd, plugin_src, runs)
            finally:
                dockerd.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(hosts, dockerd, work, flowlensd, plugin_src, runs):
    failures = []
    daemon = e2e.start_flowlensd(hosts, dockerd, work, flowlensd, plugin_src, failures)
    if daemon is None:
        print("\n".join(failures))
        return
    poller = hosts.popen_in(hosts.srv, sys.executable, "-c", POLLER, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        appear, leave = [], []
        for i in range(runs):
            name = f"lat{i}"
            dockerd.docker("run", "-d", "--name", name, "-l", e2e.LABEL, "-p", "27015:27015/udp", e2e.IMAGE,
                           "27015/udp")
            poller.stdin.write(name + "\n")
            poller.stdin.flush()
            appear.append(float(poller.stdout.readline()))
            dockerd.docker("rm", "-f", name)
            poller.stdin.write("-" + name + "\n")
            poller.stdin.flush()
            leave.append(float(poller.stdout.readline()))
        print(f"docker run -d returned -> server in /metrics/servers ({runs} runs): "
              f"p50 {pct(appear, 50):.0f} ms, p99 {pct(appear, 99):.0f} ms, max {max(appear):.0f} ms")
        print(f"docker rm -f returned -> server gone from /metrics/servers: "
              f"p50 {pct(leave, 50):.0f} ms, p99 {pct(leave, 99):.0f} ms")
    finally:
        poller.stdin.close()
        poller.wait(10)
        e2e.stop_daemon(daemon, 15)


if __name__ == "__main__":
    sys.exit(main())
