#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end: real game traffic in namespaces the test creates -> flowlensd -> sink-statsd ->
the real Etsy StatsD, while two more sink-statsd instances push to a TCP endpoint that never
answers a connect and to a UDP port that refuses. The real StatsD must keep receiving one push
per metrics interval with the right player counts: a hanging or refusing endpoint delays neither
the estimator nor another sink.

usage: statsd_netns_test.py FLOWLENSD PLUGIN_DIR STATSD_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from netns import GAME_TRAFFIC, TestHosts, daemon_dirs, report, require_privileges, start_players, stop_daemon  # noqa: E402

BACKEND = os.path.join(HERE, "flush_to_file_backend.js")
PLAY_SECONDS = 30
# Inside the game host's namespace, which has only its own loopback: fixed ports are free.
STATSD_PORT, MGMT_PORT, HANG_PORT, REFUSED_PORT = 18125, 18126, 18127, 18128
EXPECT = {"cs": 3, "mc": 2}

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n  metrics_interval: 1s\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, endpoints: ["27015/udp"], labels: {{game: cstrike}}}}
        - {{id: mc, endpoints: ["25565/tcp"], labels: {{game: minecraft}}}}
""",
    "41-statsd.yaml": """plugins:
  statsd:
    plugin: sink-statsd
    config: {{address: "127.0.0.1:{statsd}", tags: dogstatsd}}
  hanging:
    plugin: sink-statsd
    config: {{address: "127.0.0.1:{hang}", protocol: tcp, timeout: 5s}}
  refused:
    plugin: sink-statsd
    config: {{address: "127.0.0.1:{refused}"}}
""",
}

# A TCP endpoint that hangs: its accept queue is full, so further SYNs are dropped and a connect
# neither succeeds nor fails.
HANG = f"""
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", {HANG_PORT}))
l.listen(0)
fill = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", {HANG_PORT}))
    fill.append(c)
print("ready", flush=True)
time.sleep(int(sys.argv[1]))
"""


def flushes(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def main():
    require_privileges()
    flowlensd, plugin_src, statsd_dir = (os.path.abspath(a) for a in sys.argv[1:4])
    if not os.path.exists(os.path.join(statsd_dir, "stats.js")):
        return report("statsd end-to-end", [f"StatsD is not installed in {statsd_dir}: "
                                            "run scripts/install-deps.sh --test"])
    failures = []
    with TestHosts("sd") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, so) for so in ("discovery-static.so", "sink-statsd.so")])
        pins = f"/sys/fs/bpf/flowlens-test-sd-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins, statsd=STATSD_PORT, hang=HANG_PORT,
                                    refused=REFUSED_PORT))
        flush_file = os.path.join(work, "flushes.jsonl")
        with open(os.path.join(work, "statsd.js"), "w") as f:
            json.dump({"servers": [{"server": "./servers/udp", "address": "127.0.0.1", "port": STATSD_PORT}],
                       "mgmt_address": "127.0.0.1", "mgmt_port": MGMT_PORT, "flushInterval": 1000,
                       "backends": [BACKEND], "flushFile": flush_file, "automaticConfigReload": False}, f)

        check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"check-config rejected the test config: {check.stdout}{check.stderr}")
        seconds = str(PLAY_SECONDS + 60)
        statsd_log = open(os.path.join(work, "statsd.log"), "w")
        statsd = hosts.popen_in(hosts.srv, "node", os.path.join(statsd_dir, "stats.js"),
                                os.path.join(work, "statsd.js"), stdout=statsd_log, stderr=subprocess.STDOUT)
        hang = hosts.popen_in(hosts.srv, sys.executable, "-c", HANG, seconds, stdout=subprocess.PIPE, text=True)
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", seconds, stdout=subprocess.PIPE, text=True)
        assert hang.stdout.readline().strip() == "ready"
        assert server.stdout.readline().strip() == "ready"
        daemon_log_path = os.path.join(work, "flowlensd.log")
        daemon_log = open(daemon_log_path, "w")
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=daemon_log)
        rc = None
        try:
            time.sleep(3)
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start: {open(daemon_log_path).read()}")
            clients = start_players(hosts, PLAY_SECONDS)
            time.sleep(18)
            before = len(flushes(flush_file))
            time.sleep(8.5)
            window = flushes(flush_file)[before:]
            for c in clients:
                c.wait(PLAY_SECONDS + 20)

            # DogStatsD tags, which StatsD 0.9 files as Graphite tagged names.
            counts = [{sid: f["gauges"].get(f"flowlens.{sid}.active_players;game={game}")
                       for sid, game in (("cs", "cstrike"), ("mc", "minecraft"))} for f in window]
            pushes = [f["counters"].get("statsd.packets_received", 0) for f in window]
            print("StatsD flushes while playing (players):", counts)
            print("StatsD datagrams per 1 s flush:", pushes)
            if len(window) < 7:
                failures.append(f"only {len(window)} StatsD flushes in 8.5 s")
            for sid, want in EXPECT.items():
                if sum(1 for c in counts if c.get(sid) == want) < len(window) - 2:
                    failures.append(f"{sid}: expected {want} players in StatsD, got {counts}")
            # One push per 1 s tick; a sink thread stuck 5 s on the hanging endpoint, if it held
            # the estimator or this sink, would leave at most two in 8 s.
            if sum(pushes) < len(window) - 2:
                failures.append(f"StatsD got {sum(pushes)} pushes in {len(window)} flushes of 1 s: {pushes}")
        finally:
            rc, _ = stop_daemon(daemon, 30)
            for p in (server, hang, statsd):
                p.kill()
                p.wait()
            subprocess.run(["rm", "-rf", pins])
            daemon_log.close()
            statsd_log.close()
        err = open(daemon_log_path).read()
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; log tail:\n" + "\n".join(err.splitlines()[-20:]))
        if "no answer within 5000 ms" not in err:
            failures.append("the log does not say that the hanging endpoint timed out:\n" + err[-3000:])
        if "Connection refused" not in err:
            failures.append("the log does not say that the refusing endpoint refused:\n" + err[-3000:])
        if err.count("Connection refused") > 3:
            failures.append(f"'Connection refused' logged {err.count('Connection refused')} times, not once")
    return report("statsd end-to-end", failures)


if __name__ == "__main__":
    sys.exit(main())
