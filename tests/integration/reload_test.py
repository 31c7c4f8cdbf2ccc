#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Live reload on the real daemon, counting real players in namespaces the test creates: SIGHUP
applies a good conf.d/ change without detaching (the count goes on, no tick is missed, the TC
filters stay the very same), refuses a bad one with check-config's file:line and keeps running
the old configuration, runs an instance's previous section when its new one cannot start, starts
an instance added to conf.d/ and stops one removed from it (its port closes, its servers
disappear), and names the settings that need a restart.

usage: reload_test.py FLOWLENSD PLUGIN_DIR"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import (GAME_TRAFFIC, PLAYERS_EXPECTED, TestHosts, daemon_dirs, report,  # noqa: E402
                   require_privileges, start_players, stop_daemon)

PLAY_SECONDS = 60
API, PROM = "127.0.0.1:18080", "127.0.0.1:19110"  # the game host namespace's own loopback
MAX_TICK_GAP = 1.8  # seconds between two ticks of a 1 s interval: more means one was missed

CORE = "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n  metrics_interval: 1s\n"
STATIC = """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, name: {cs_name}, endpoints: ["27015/udp"]}}
        - {{id: mc, name: Minecraft, endpoints: ["25565/tcp"]}}
"""
API_CONF = f'plugins:\n  api: {{plugin: sink-jsonapi, config: {{listen: ["{API}"], auth: none}}}}\n'
MORE = 'plugins:\n  more:\n    plugin: discovery-static\n    config: {servers: [{id: extra, endpoints: ["34197/udp"]}]}\n'
PROM_CONF = 'plugins:\n  prom: {{plugin: sink-prometheus, config: {{listen: "{listen}"}}}}\n'

# Runs inside the game host's namespace: one GET, prints {"status", "body"} or {"error"} as JSON.
FETCH = """
import json, sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen("http://" + sys.argv[1], timeout=5) as r:
        print(json.dumps({"status": r.status, "body": r.read().decode()}))
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "body": e.read().decode()}))
except OSError as e:
    print(json.dumps({"error": str(e)}))
"""


class Ticks(threading.Thread):
    """flowlensd's --jsonl lines as (tick wall time "t", {server_id: active_players})."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.ticks = stream, []

    def run(self):
        for line in self.stream:
            doc = json.loads(line)
            self.ticks.append((doc["t"], {s["server_id"]: s["active_players"] for s in doc["servers"]}))

    def since(self, t0):
        return [(t, c) for t, c in self.ticks if t >= t0]


class Reloads:
    """Sends SIGHUP and waits for the daemon's verdict line in its log file."""

    def __init__(self, daemon, log_path):
        self.daemon, self.log_path = daemon, log_path

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def verdicts(self):
        return [l for l in self.log().splitlines() if "reloaded " in l or "reload refused (" in l]

    def hup(self, timeout=15):
        """Returns (verdict line, every log line written during the reload)."""
        before_lines, before = len(self.log().splitlines()), len(self.verdicts())
        self.daemon.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.daemon.poll() is None:
            if len(self.verdicts()) > before:
                return self.verdicts()[before], self.log().splitlines()[before_lines:]
            time.sleep(0.1)
        raise RuntimeError(f"no reload verdict within {timeout} s (daemon {self.daemon.poll()}):\n{self.log()}")


def main():
    require_privileges()
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    failures = []
    with TestHosts("rld") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, name + ".so") for name in ("discovery-static", "sink-jsonapi", "sink-prometheus")])
        pins = f"/sys/fs/bpf/flowlens-test-rld-{os.getpid()}"

        def write(name, text):
            with open(os.path.join(conf, name), "w") as f:
                f.write(text)

        def remove(name):
            os.remove(os.path.join(conf, name))

        core = CORE.format(dev=hosts.dev, plugins=plugins, pins=pins)
        write("10-core.yaml", core)
        write("20-static.yaml", STATIC.format(cs_name="Counter-Strike"))
        write("30-api.yaml", API_CONF)

        def fetch(addr_path):
            return json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, addr_path))

        def servers():
            r = fetch(API + "/metrics/servers")
            return {s["server_id"]: s for s in json.loads(r["body"])["servers"]} if "body" in r else {}

        def counted(ticks, what):
            """Every tick counts the players exactly (one tick either side of a join is allowed)."""
            for sid, want in PLAYERS_EXPECTED.items():
                got = [c.get(sid) for _, c in ticks]
                if not got or None in got or sum(1 for g in got if g == want) < 0.9 * len(got):
                    failures.append(f"{what}: expected {sid} = {want} players on every tick, got {got}")

        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        log_path = os.path.join(work, "flowlensd.log")
        log_file = open(log_path, "w")
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, "--jsonl",
                                stdout=subprocess.PIPE, stderr=log_file, text=True)
        ticks = Ticks(daemon.stdout)
        ticks.start()
        reloads = Reloads(daemon, log_path)
        rc = None
        try:
            time.sleep(3)
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start: {reloads.log()}")
            clients = start_players(hosts, PLAY_SECONDS)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (
                    ticks.ticks and all(ticks.ticks[-1][1].get(s) == n for s, n in PLAYERS_EXPECTED.items())):
                time.sleep(0.5)
            time.sleep(3)
            playing_since = ticks.ticks[-1][0]
            filters = hosts.tc_filters()  # with the program ids: a re-attach would show
            if "bpf" not in filters or " id " not in filters:
                raise RuntimeError("no TC filter on the interface after start")

            # A good change: an estimator key, the static section (a name), a sink and a
            # discovery instance added, all at once.
            write("10-core.yaml", core + "estimator:\n  qualify_window_seconds: 7\n")
            write("20-static.yaml", STATIC.format(cs_name="CS2"))
            write("25-more.yaml", MORE)
            write("40-prom.yaml", PROM_CONF.format(listen=PROM))
            sent = time.time()
            verdict, lines = reloads.hup()
            print("good change:", verdict)
            for want in ("started 'more', 'prom'", "restarted 'static'", "estimator settings apply from the next tick"):
                if want not in verdict:
                    failures.append(f"the reload verdict does not say {want!r}: {verdict}")
            if any("'api' stopped" in l for l in lines):
                failures.append("the unchanged JSON API instance was restarted")
            time.sleep(3)
            now = servers()
            print("after the good change:", {k: (v.get("active_players"), v.get("sample_window_seconds"), v.get("name"))
                                             for k, v in now.items()})
            if "extra" not in now:
                failures.append(f"the added discovery instance's server is not served: {sorted(now)}")
            if now.get("cs", {}).get("sample_window_seconds") != 7:
                failures.append(f"estimator.qualify_window_seconds: 7 not in effect: {now.get('cs')}")
            if now.get("cs", {}).get("name") != "CS2":
                failures.append(f"the restarted static instance's new name is not served: {now.get('cs')}")
            metrics = fetch(PROM + "/metrics")
            if metrics.get("status") != 200 or 'flowlens_active_players{server_id="cs"} 3' not in metrics.get("body", ""):
                failures.append(f"the added sink-prometheus does not serve the count: {str(metrics)[:300]}")
            counted(ticks.since(sent - 2), "across the good reload")
            if hosts.tc_filters() != filters:
                failures.append(f"TC filters changed across the reload:\n{filters}\n->\n{hosts.tc_filters()}")

            # Bad changes: each refused with the error where the operator looks, the old
            # configuration kept running.
            write("99-bad.yaml", "plugins: [unclosed\n")
            verdict, lines = reloads.hup()
            print("syntax error:", verdict, [l for l in lines if "refused:" in l])
            if "refused" not in verdict or not any("99-bad.yaml:" in l and "refused:" in l for l in lines):
                failures.append(f"a syntax error was not refused naming 99-bad.yaml:LINE: {lines}")
            write("99-bad.yaml", "plugins:\n  ghost: {plugin: sink-ghost}\n")
            verdict, lines = reloads.hup()
            print("unknown plugin:", verdict, [l for l in lines if "refused:" in l])
            if not any("99-bad.yaml:2:3: plugins.ghost: plugin 'sink-ghost' is not installed" in l for l in lines):
                failures.append(f"an unknown plugin was not refused at 99-bad.yaml:2:3: {lines}")
            remove("99-bad.yaml")
            write("40-prom.yaml", PROM_CONF.format(listen="no-port-here"))
            check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf, "--plugin-dir", plugins],
                                   capture_output=True, text=True)
            expected = [l for l in check.stderr.splitlines() if "40-prom.yaml:" in l]
            verdict, lines = reloads.hup()
            print("bad plugin section:", verdict, expected)
            if check.returncode != 1 or not expected:
                failures.append(f"check-config did not reject the bad listen: {check.stderr}")
            elif not any(l.endswith("reload refused: " + expected[0]) for l in lines):
                failures.append(f"the refused reload does not log check-config's line {expected[0]!r}: {lines}")
            # Valid, but its port is the JSON API's: it cannot start, so it runs its old section.
            write("40-prom.yaml", PROM_CONF.format(listen=API))
            verdict, lines = reloads.hup()
            print("port taken:", verdict)
            if ("'prom' kept its previous section (the new one did not start)" not in verdict
                    or "restarted" in verdict or fetch(PROM + "/metrics").get("status") != 200):
                failures.append(f"a section that could not start did not fall back to the previous one: {lines}")
            write("40-prom.yaml", PROM_CONF.format(listen=PROM))
            verdict, lines = reloads.hup()
            if "nothing changed" not in verdict:
                failures.append(f"back to the running section, the reload changed something: {verdict}")
            if daemon.poll() is not None:
                raise RuntimeError(f"a refused reload ended the daemon: {reloads.log()}")
            metrics = fetch(PROM + "/metrics")
            if metrics.get("status") != 200:
                failures.append(f"sink-prometheus stopped after refused reloads: {metrics}")
            if "extra" not in servers():
                failures.append("the discovery instance's server went after refused reloads")

            # Removing instances stops them; a kernel-side setting needs a restart.
            remove("40-prom.yaml")
            remove("25-more.yaml")
            write("10-core.yaml", core.replace("metrics_interval", "ebpf_map_size: 4096\n  metrics_interval"))
            sent = time.time()
            verdict, lines = reloads.hup()
            print("removal:", verdict)
            if "stopped 'more', 'prom'" not in verdict and "stopped 'prom', 'more'" not in verdict:
                failures.append(f"the removed instances were not stopped: {verdict}")
            if not any("core.ebpf_map_size changed" in l and "needs a restart" in l for l in lines):
                failures.append(f"a new ebpf_map_size was not reported as needing a restart: {lines}")
            time.sleep(2)
            metrics = fetch(PROM + "/metrics")
            if "error" not in metrics:
                failures.append(f"the removed sink-prometheus still answers: {str(metrics)[:200]}")
            now = servers()
            if "extra" in now or not {"cs", "mc"} <= set(now):
                failures.append(f"after removing 'more' the servers are {sorted(now)}, expected cs and mc")
            health = json.loads(fetch(API + "/health")["body"])
            if health.get("map_capacity") == 4096 or health.get("bpf_attached") is not True:
                failures.append(f"the map or the attachment changed without a restart: {health}")
            time.sleep(3)
            counted(ticks.since(sent - 2), "across the removal")

            gaps = [round(b[0] - a[0], 2) for a, b in zip(ticks.since(playing_since), ticks.since(playing_since)[1:])]
            print(f"{len(gaps) + 1} ticks since the players settled, longest gap {max(gaps)} s")
            if max(gaps) > MAX_TICK_GAP:
                failures.append(f"a tick was missed: gaps between ticks {gaps}")
            if hosts.tc_filters() != filters:
                failures.append(f"TC filters changed:\n{filters}\n->\n{hosts.tc_filters()}")
            for c in clients:
                c.kill()
        finally:
            rc, _ = stop_daemon(daemon, 20)
            server.kill()
            log_file.close()
            subprocess.run(["rm", "-rf", pins])
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; log tail:\n" +
                            "\n".join(reloads.log().splitlines()[-20:]))
        if hosts.tc_filters():
            failures.append(f"TC filters left after exit: {hosts.tc_filters()}")
    return report("live reload", failures)


if __name__ == "__main__":
    sys.exit(main())
