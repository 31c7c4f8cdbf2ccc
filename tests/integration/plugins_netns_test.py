#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end through plugins: real traffic in namespaces the test creates -> discovery-static
(servers from conf.d) -> estimator -> sink-jsonapi answers the right per-server counts over HTTP,
while a third sink is stuck forever in its first callback: the JSON API must stay fast and the
estimates must keep coming.

usage: plugins_netns_test.py FLOWLENSD PLUGIN_DIR BLOCKING_SINK_SO"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import GAME_TRAFFIC, TestHosts, daemon_dirs, report, require_privileges, start_players, stop_daemon  # noqa: E402

PLAY_SECONDS = 30
API, TOKEN = "127.0.0.1:18080", "e2e-secret-token"
EXPECT = {"cs": 3, "mc": 2, "idle": 0}

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, name: Counter-Strike, endpoints: ["27015/udp"]}}
        - {{id: mc, name: Minecraft, endpoints: ["25565/tcp"]}}
        - {{id: idle, name: Nobody here, endpoints: ["34197/udp"]}}
""",
    "30-api.yaml": "plugins:\n  api:\n    plugin: sink-jsonapi\n    config: {{listen: [\"{api}\"], api_key: {token}}}\n",
    "40-stuck.yaml": "plugins:\n  stuck: {{plugin: sink-blocking}}\n",
}

# Runs inside the game host's namespace: one HTTP GET, prints status, elapsed ms and body as JSON.
FETCH = """
import json, sys, time, urllib.request, urllib.error
req = urllib.request.Request("http://%s" + sys.argv[1])
if sys.argv[2]:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
t0 = time.monotonic()
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        status, body = r.status, r.read().decode()
except urllib.error.HTTPError as e:
    status, body = e.code, e.read().decode()
print(json.dumps({"status": status, "ms": (time.monotonic() - t0) * 1000, "body": json.loads(body)}))
""" % API


def stuck_sink(health):
    return next((p for p in health.get("plugins") or [] if p.get("instance") == "stuck"), {})


def check_health(health):
    """What the daemon reports through the sink's /health (host API 1.1 health_json)."""
    failures = []
    if health.get("bpf_attached") is not True:
        failures.append(f"/health bpf_attached: {health.get('bpf_attached')!r}, expected true")
    if not isinstance(health.get("version"), str) or not health["version"]:
        failures.append(f"/health version: {health.get('version')!r}")
    if not isinstance(health.get("uptime_seconds"), (int, float)) or health["uptime_seconds"] <= 0:
        failures.append(f"/health uptime_seconds: {health.get('uptime_seconds')!r}")
    instances = {p.get("instance"): p for p in health.get("plugins") or []}
    if set(instances) != {"static", "api", "stuck"}:
        failures.append(f"/health plugins: {sorted(instances)}, expected static, api and stuck")
    stuck = stuck_sink(health)
    if stuck.get("state") != "started" or stuck.get("kind") != "sink" or stuck.get("plugin") != "sink-blocking":
        failures.append(f"/health's entry for the stuck sink: {stuck}")
    return failures


def main():
    require_privileges()
    flowlensd, plugin_src, blocking = (os.path.abspath(a) for a in sys.argv[1:4])
    failures = []
    with TestHosts("plg") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, "discovery-static.so"),
                                           os.path.join(plugin_src, "sink-jsonapi.so"), blocking])
        pins = f"/sys/fs/bpf/flowlens-test-plg-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins, api=API, token=TOKEN))

        def fetch(path, token=TOKEN):
            out = hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, path, token)
            return json.loads(out)

        check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"check-config rejected the test config: {check.stdout}{check.stderr}")
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(3)
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start: {daemon.stderr.read()}")
            clients = start_players(hosts, PLAY_SECONDS)
            time.sleep(18)
            samples = []
            for _ in range(5):
                samples.append(fetch("/metrics/servers"))
                time.sleep(1.2)
            for c in clients:
                c.wait(PLAY_SECONDS + 20)

            counts = [{s["server_id"]: s["active_players"] for s in r["body"]["servers"]} for r in samples]
            print("JSON API counts while playing:", counts)
            for sid, want in EXPECT.items():
                if sum(1 for c in counts if c.get(sid) == want) < 4:
                    failures.append(f"{sid}: expected {want} players in >= 4 of 5 API answers, got {counts}")
            stamps = [r["body"]["servers"][0]["timestamp"] for r in samples if r["body"]["servers"]]
            if len(set(stamps)) < 3:
                failures.append(f"snapshots stopped advancing behind the stuck sink: timestamps {stamps}")
            slow = [round(r["ms"]) for r in samples if r["ms"] > 500]
            if slow:
                failures.append(f"JSON API answers took {slow} ms with a stuck sink beside it")
            one = fetch("/metrics/servers/mc")
            if one["status"] != 200 or one["body"].get("server_id") != "mc":
                failures.append(f"GET /metrics/servers/mc: {one}")
            missing = fetch("/metrics/servers/nope")
            if missing["status"] != 404 or missing["body"] != {"error": "server not found"}:
                failures.append(f"unknown server: {missing}")
            denied = fetch("/metrics/servers", token="wrong")
            if denied["status"] != 401 or denied["body"] != {"error": "unauthorized"}:
                failures.append(f"wrong token: {denied}")
            health = fetch("/health", token="")
            print("health:", health["body"])
            if health["status"] != 200:
                failures.append(f"/health: {health}")
            failures += check_health(health["body"])
            time.sleep(2.5)  # past the sink's 1 s cache of the daemon's health, and two ticks
            later = fetch("/health", token="")
            skipped = [stuck_sink(h).get("snapshots_skipped", 0) for h in (health["body"], later["body"])]
            if not skipped[1] > skipped[0]:
                failures.append(f"the stuck sink's snapshots_skipped did not grow between two /health: {skipped}")
        finally:
            rc, err = stop_daemon(daemon, 30)  # the stuck sink costs the runner's stop timeout
            server.kill()
            subprocess.run(["rm", "-rf", pins])
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; stderr tail:\n" + "\n".join(err.splitlines()[-20:]))
        if "stuck" not in err:
            failures.append("the log does not say that sink 'stuck' was stuck at shutdown")
        if hosts.tc_filters():
            failures.append(f"TC filters left after exit: {hosts.tc_filters()}")
    return report("plugins end-to-end", failures)


if __name__ == "__main__":
    sys.exit(main())
