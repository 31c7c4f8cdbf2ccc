#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A real Prometheus server scrapes sink-prometheus in a real flowlensd while real game traffic
flows in network namespaces the test creates: the player counts read back through Prometheus's
HTTP query API are right, a server that is unknown (warming up) has no flowlens_active_players
sample at all (not 0) while flowlens_server_known is 0, promtool finds the live exposition clean,
a second instance on a busy port fails with the address and the reason while the daemon runs on,
and neither a sink stuck forever beside it nor scrapers that hang delay the scrapes or the
estimates.

usage: prometheus_netns_test.py FLOWLENSD PLUGIN_DIR BLOCKING_SINK_SO"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from netns import GAME_TRAFFIC, TestHosts, daemon_dirs, report, require_privileges, start_players, stop_daemon  # noqa: E402

# Inside the game host's namespace, where everything here listens: its loopback is the test's own.
SINK_PORT, PROM_PORT = 19110, 19090
TOKEN = "scrape-secret"
WARMUP = 12  # seconds a newly watched server stays unknown (estimator.warmup_seconds)
PLAY_SECONDS = 40
EXPECT = {"cs": 3, "mc": 2, "idle": 0}

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n"
                    "estimator:\n  warmup_seconds: {warmup}\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, name: Counter-Strike, endpoints: ["27015/udp"], labels: {{game.title: cs2}}}}
        - {{id: mc, name: Minecraft, endpoints: ["25565/tcp"], labels: {{game.title: minecraft}}}}
        - {{id: idle, name: Nobody here, endpoints: ["34197/udp"]}}
""",
    # ":PORT" (the original's prometheus_addr form); Prometheus scrapes it over IPv4.
    "40-prometheus.yaml": "plugins:\n  prometheus:\n    plugin: sink-prometheus\n"
                          "    config: {{listen: [\":{sink_port}\"], bearer_token: {token}, labels: [game.title]}}\n"
                          "  prometheus_busy:\n    plugin: sink-prometheus\n"
                          "    config: {{listen: [\"127.0.0.1:{sink_port}\"]}}\n",
    "50-stuck.yaml": "plugins:\n  stuck: {{plugin: sink-blocking}}\n",
}

PROM_CONFIG = f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: flowlens
    authorization: {{credentials: {TOKEN}}}
    static_configs: [{{targets: ["127.0.0.1:{SINK_PORT}"]}}]
"""

# Runs inside the game host's namespace for N seconds: clients of the sink that hang, half never
# finishing their request, half never reading a response (small receive buffer), all held open.
HANGING = """
import socket, sys, time
socks = []
for i in range(int(sys.argv[2])):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", %d))
    s.sendall(b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer %s\\r\\n" +
              (b"\\r\\n" if i %% 2 else b""))
    socks.append(s)
time.sleep(float(sys.argv[1]))
""" % (SINK_PORT, TOKEN)

# Runs inside the game host's namespace: one HTTP GET, prints {"status", "body"} as JSON.
FETCH = """
import json, sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if sys.argv[2]:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        status, body = r.status, r.read().decode()
except urllib.error.HTTPError as e:
    status, body = e.code, e.read().decode()
except OSError as e:
    status, body = 0, str(e)
print(json.dumps({"status": status, "body": body}))
"""


def main():
    require_privileges()
    flowlensd, plugin_src, blocking = (os.path.abspath(a) for a in sys.argv[1:4])
    prometheus = shutil.which("prometheus")
    if not prometheus or not shutil.which("promtool"):
        print("FAIL: Prometheus is not installed (Debian package prometheus; scripts/install-deps.sh --test)",
              file=sys.stderr)
        return 1
    failures = []
    with TestHosts("prm") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, "discovery-static.so"),
                                           os.path.join(plugin_src, "sink-prometheus.so"), blocking])
        pins = f"/sys/fs/bpf/flowlens-test-prm-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins, warmup=WARMUP,
                                    sink_port=SINK_PORT, token=TOKEN))
        prom_yml = os.path.join(work, "prometheus.yml")
        with open(prom_yml, "w") as f:
            f.write(PROM_CONFIG)

        def fetch(url, token=""):
            return json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, url, token))

        def query(expr, at=None):
            """Prometheus instant query: {labels-as-tuple: value}, or None on an API error."""
            args = {"query": expr}
            if at is not None:
                args["time"] = f"{at:.3f}"
            r = fetch(f"http://127.0.0.1:{PROM_PORT}/api/v1/query?" + urllib.parse.urlencode(args))
            if r["status"] != 200:
                failures.append(f"Prometheus query {expr!r}: {r}")
                return None
            out = json.loads(r["body"])["data"]["result"]
            return {r.get("metric", {}).get("server_id", ""): float(r["value"][1]) for r in out}

        def query_range(expr, start, end):
            args = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": "1"}
            r = fetch(f"http://127.0.0.1:{PROM_PORT}/api/v1/query_range?" + urllib.parse.urlencode(args))
            if r["status"] != 200:
                failures.append(f"Prometheus range query {expr!r}: {r}")
                return {}
            res = json.loads(r["body"])["data"]["result"]
            return {float(t): float(v) for t, v in res[0]["values"]} if res else {}

        check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"check-config rejected the test config: {check.stdout}{check.stderr}")
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        start = time.time()
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        prom = hosts.popen_in(hosts.srv, prometheus, f"--config.file={prom_yml}",
                              f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
                              f"--web.listen-address=127.0.0.1:{PROM_PORT}", "--log.level=warn",
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        clients = []
        hanging = None
        try:
            time.sleep(2)
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start: {daemon.stderr.read()}")
            clients = start_players(hosts, PLAY_SECONDS)
            # Clients of the sink that hang, from the warm-up on: they hold connections, not the
            # sink's delivery thread, the estimator or Prometheus's own scrapes.
            hanging = hosts.popen_in(hosts.srv, sys.executable, "-c", HANGING, str(PLAY_SECONDS), "20")
            # Warm-up, then the counts settle: wait until Prometheus has them (bounded).
            time.sleep(WARMUP + 14)
            counts = None
            for _ in range(10):
                counts = query("flowlens_active_players")
                if counts == {k: float(v) for k, v in EXPECT.items()}:
                    break
                time.sleep(1)
            print("players through Prometheus:", counts)
            if counts != {k: float(v) for k, v in EXPECT.items()}:
                failures.append(f"flowlens_active_players through Prometheus: {counts}, expected {EXPECT}")
            node = query("flowlens_node_active_players")
            if node != {"": float(sum(EXPECT.values()))}:
                failures.append(f"flowlens_node_active_players: {node}, expected {sum(EXPECT.values())}")
            info = query('flowlens_server_info{game_title="cs2"}')
            if info is not None and set(info) != {"cs"}:
                failures.append(f"flowlens_server_info with the exported label game_title: {info}")

            # The warm-up as Prometheus recorded it: while cs was unknown, no player sample.
            end = time.time()
            known = query_range('flowlens_server_known{server_id="cs"}', start, end)
            players = query_range('flowlens_active_players{server_id="cs"}', start, end)
            unknown_steps = sorted(t for t, v in known.items() if v == 0)
            known_steps = sorted(t for t, v in known.items() if v == 1)
            print(f"cs unknown at {len(unknown_steps)} steps, known at {len(known_steps)}")
            if len(unknown_steps) < 3:
                failures.append(f"Prometheus never saw cs unknown during the {WARMUP} s warm-up: {known}")
            shown = [players[t] for t in unknown_steps if t in players]
            if shown:
                failures.append(f"flowlens_active_players had values {shown} while cs was unknown")
            if unknown_steps and known_steps and max(unknown_steps) > min(known_steps):
                failures.append("cs went back to unknown after it was known")
            unknown_count = query_range("flowlens_node_unknown_servers", start, end)
            if unknown_steps and unknown_count.get(unknown_steps[0]) != 3:
                failures.append(f"flowlens_node_unknown_servers during warm-up: {unknown_count}")

            # The stuck sink beside it: scrapes stay fast and the estimates keep coming.
            up = query_range('up{job="flowlens"}', start + 4, end)
            if not up or min(up.values()) != 1:
                failures.append(f"Prometheus's up for the sink: {up}")
            slowest = query('max_over_time(scrape_duration_seconds{job="flowlens"}[5m])')
            print("slowest scrape (s):", slowest)
            if not slowest or max(slowest.values()) > 0.5:
                failures.append(f"the slowest scrape took {slowest} s with a stuck sink beside it")
            age = query("flowlens_last_tick_age_seconds")
            if not age or max(age.values()) > 3:
                failures.append(f"flowlens_last_tick_age_seconds: {age}: the ticks stopped behind the stuck sink")
            skipped = query('flowlens_sink_snapshots_skipped_total{plugin_instance="stuck"}')
            delivered = query('increase(flowlens_sink_snapshots_delivered_total{plugin_instance="prometheus"}[20s])')
            print("stuck sink skipped:", skipped, "prometheus sink delivered in 20 s:", delivered)
            if not skipped or max(skipped.values()) < 5:
                failures.append(f"the stuck sink's skipped snapshots: {skipped}")
            if not delivered or max(delivered.values()) < 5:
                failures.append(f"snapshots delivered to sink-prometheus in 20 s: {delivered}")

            # The live exposition passes promtool's linter; without the token it is refused.
            live = fetch(f"http://127.0.0.1:{SINK_PORT}/metrics", TOKEN)
            lint = subprocess.run(["promtool", "check", "metrics"], input=live["body"], capture_output=True,
                                  text=True)
            if live["status"] != 200 or lint.returncode != 0:
                failures.append(f"promtool check metrics on the live exposition: {lint.stdout}{lint.stderr}\n"
                                f"{live['body']}")
            denied = fetch(f"http://[::1]:{SINK_PORT}/metrics")
            if denied["status"] != 401:
                failures.append(f"/metrics without the token over IPv6: {denied['status']}, expected 401")
            if daemon.poll() is not None:
                failures.append("flowlensd exited while a second sink instance failed to bind")
            if hanging.poll() is not None:
                failures.append(f"the hanging clients ended early ({hanging.returncode}): the test proved nothing")
            for c in clients:
                c.wait(PLAY_SECONDS + 20)
        finally:
            prom.terminate()
            try:
                prom.wait(20)
            except subprocess.TimeoutExpired:
                prom.kill()
            for c in clients + ([hanging] if hanging else []):
                if c.poll() is None:
                    c.kill()
            rc, err = stop_daemon(daemon, 30)  # the stuck sink costs the runner's stop timeout
            server.kill()
            subprocess.run(["rm", "-rf", pins])
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; stderr tail:\n" + "\n".join(err.splitlines()[-20:]))
        busy = [line for line in err.splitlines() if "prometheus_busy" in line and "cannot listen on 127.0.0.1:" in line]
        print("busy instance:", busy[:1])
        if not busy or "Address already in use" not in busy[0]:
            failures.append("the log does not say that instance 'prometheus_busy' cannot listen on its address, "
                            "and why:\n" + "\n".join(err.splitlines()[-20:]))
        if hosts.tc_filters():
            failures.append(f"TC filters left after exit: {hosts.tc_filters()}")
    return report("sink-prometheus with a real Prometheus", failures)


if __name__ == "__main__":
    sys.exit(main())
