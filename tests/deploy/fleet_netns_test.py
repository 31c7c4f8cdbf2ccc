#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A fleet of two game hosts seen through one real Prometheus, as deploy/README.md sets it up:
host A's flowlensd scraped directly, host B's behind a Prometheus agent (agent mode) that scrapes
it on loopback and pushes with remote_write, as a host behind NAT. Each host is a pair of network
namespaces with real players (the game host's flowlensd attached to its veth); a third namespace
holds the central Prometheus, joined to each game host by a veth of its own. The dashboard's fleet
total reads the sum of both hosts' players, its per-host panel each host's, for either host label
(instance or the sink's node label); every dashboard query returns series from this fleet; and
the shipped alerting rules load into the central Prometheus. A server whose port another list
claims reads unknown on each host, left out of the totals and counted as unknown.

usage: fleet_netns_test.py FLOWLENSD PLUGIN_DIR DEPLOY_DIR"""
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
sys.path.insert(0, HERE)
from netns import GAME_TRAFFIC, PLAYER_MIX, TestHosts, daemon_dirs, report, require_privileges, sh, start_players, stop_daemon  # noqa: E402
from promql import RATE_INTERVAL, expressions, fill, load_dashboard, panels  # noqa: E402

SINK_PORT, PROM_PORT, AGENT_PORT = 19110, 19090, 19091
TOKEN = "fleet-secret"
WARMUP = 4
PLAY_SECONDS = 60
# Host A gets every player of the mix (cs 3, mc 2), host B the first three entries (cs 3, mc 1):
# different totals, so a host counted twice or missed shows.
MIX = {"a": PLAYER_MIX, "b": PLAYER_MIX[:3]}
EXPECT = {"a": 5, "b": 4}
# The monitoring links: documentation range 198.51.100.0/24, one /30 per game host.
LINKS = {"a": ("198.51.100.1", "198.51.100.2"), "b": ("198.51.100.5", "198.51.100.6")}

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n"
                    "estimator:\n  warmup_seconds: {warmup}\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, name: Counter-Strike, endpoints: ["27015/udp"], labels: {{max_players: "10"}}}}
        - {{id: mc, name: Minecraft, endpoints: ["25565/tcp"]}}
  # A second list claiming cs's port: that server stays unknown (the port is static's, whose name
  # sorts first), so every host has an unknown server for the dashboard to show all along.
  static_copy:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs-copy, endpoints: ["27015/udp"]}}
""",
    "40-prometheus.yaml": "plugins:\n  prometheus:\n    plugin: sink-prometheus\n"
                          "    config: {{listen: [\"{listen}\"], bearer_token: {token}, node: game-{host}}}\n",
}

CENTRAL = f"""global: {{scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}}
rule_files: [flowlens.rules.yml]
scrape_configs:
  - job_name: flowlens
    authorization: {{credentials: {TOKEN}}}
    static_configs: [{{targets: ["{LINKS['a'][1]}:{SINK_PORT}"]}}]
"""

AGENT = f"""global: {{scrape_interval: 1s, scrape_timeout: 1s}}
scrape_configs:
  - job_name: flowlens
    authorization: {{credentials: {TOKEN}}}
    static_configs: [{{targets: ["127.0.0.1:{SINK_PORT}"]}}]
remote_write:
  - url: http://{LINKS['b'][0]}:{PROM_PORT}/api/v1/write
    queue_config: {{batch_send_deadline: 1s}}
"""

# Runs inside the monitoring namespace: one GET of the central Prometheus's API, printed as JSON.
FETCH = """
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        print(json.dumps({"status": r.status, "body": json.loads(r.read())}))
except Exception as e:
    print(json.dumps({"status": 0, "body": str(e)}))
"""


class Monitoring:
    """The central Prometheus's namespace, with a veth to each game host's namespace."""

    def __init__(self, hosts):
        self.ns = f"flmon{os.getpid()}"
        self.hosts = hosts

    def __enter__(self):
        try:
            sh("ip", "netns", "add", self.ns)
            sh("ip", "netns", "exec", self.ns, "ip", "link", "set", "lo", "up")
            for name, host in self.hosts.items():
                mon_dev, host_dev = f"flm{name}{os.getpid()}"[:15], f"flh{name}{os.getpid()}"[:15]
                mon_addr, host_addr = LINKS[name]
                sh("ip", "link", "add", mon_dev, "type", "veth", "peer", "name", host_dev)
                sh("ip", "link", "set", mon_dev, "netns", self.ns)
                sh("ip", "link", "set", host_dev, "netns", host.srv)
                sh("ip", "netns", "exec", self.ns, "ip", "addr", "add", f"{mon_addr}/30", "dev", mon_dev)
                host.run_in(host.srv, "ip", "addr", "add", f"{host_addr}/30", "dev", host_dev)
                sh("ip", "netns", "exec", self.ns, "ip", "link", "set", mon_dev, "up")
                host.run_in(host.srv, "ip", "link", "set", host_dev, "up")
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
        return False

    def api(self, path, **args):
        url = f"http://127.0.0.1:{PROM_PORT}{path}?" + urllib.parse.urlencode(args)
        return json.loads(sh("ip", "netns", "exec", self.ns, sys.executable, "-c", FETCH, url))


def start_host(name, host, flowlensd, plugin_src, work):
    """flowlensd and a game server on one game host; returns (daemon, game server, pin dir)."""
    plugins, conf = daemon_dirs(os.path.join(work, name),
                                [os.path.join(plugin_src, so) for so in ("discovery-static.so", "sink-prometheus.so")])
    pins = f"/sys/fs/bpf/flowlens-test-fleet{name}-{os.getpid()}"
    # Host A's sink is reached by the central Prometheus; host B's only on loopback, by its agent.
    listen = f":{SINK_PORT}" if name == "a" else f"127.0.0.1:{SINK_PORT}"
    for file, text in CONF.items():
        with open(os.path.join(conf, file), "w") as f:
            f.write(text.format(dev=host.dev, plugins=plugins, pins=pins, warmup=WARMUP, listen=listen,
                                token=TOKEN, host=name))
    server = host.popen_in(host.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                           "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    daemon = host.popen_in(host.srv, flowlensd, "run", "--conf-dir", conf,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return daemon, server, pins


def main():
    require_privileges()
    flowlensd, plugin_src, deploy = (os.path.abspath(a) for a in sys.argv[1:4])
    prometheus = shutil.which("prometheus")
    if not prometheus:
        print("FAIL: Prometheus is not installed (Debian package prometheus; scripts/install-deps.sh --test)",
              file=sys.stderr)
        return 1
    dashboard = load_dashboard(os.path.join(deploy, "grafana", "flowlens.json"))
    queries = {p["title"]: p["targets"] for p in panels(dashboard) if p.get("targets")}
    fleet_total = queries["Fleet players"][0]["expr"]
    per_host = queries["Players per host (node total) and fleet total"][0]["expr"]
    failures = []
    procs, daemons, pins = [], {}, []
    with TestHosts("fa") as host_a, TestHosts("fb") as host_b, Monitoring({"a": host_a, "b": host_b}) as mon, \
            tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        hosts = {"a": host_a, "b": host_b}
        shutil.copy(os.path.join(deploy, "prometheus", "flowlens.rules.yml"), work)
        for name, text in (("central.yml", CENTRAL), ("agent.yml", AGENT)):
            with open(os.path.join(work, name), "w") as f:
                f.write(text)

        def query(expr, **kw):
            """{value of the first label of the result or "": value} of an instant query."""
            r = mon.api("/api/v1/query", query=expr, **kw)
            if r["status"] != 200:
                failures.append(f"query {expr!r}: {r}")
                return {}
            return {next(iter(s["metric"].values()), ""): float(s["value"][1]) for s in r["body"]["data"]["result"]}

        try:
            for name, host in hosts.items():
                daemon, server, pin = start_host(name, host, flowlensd, plugin_src, work)
                daemons[name] = daemon
                procs.append(server)
                pins.append(pin)
            start = time.time()
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", mon.ns, prometheus, f"--config.file={work}/central.yml",
                 f"--storage.tsdb.path={work}/tsdb", f"--web.listen-address=:{PROM_PORT}",
                 "--web.enable-remote-write-receiver", "--log.level=warn"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            procs.append(host_b.popen_in(
                host_b.srv, prometheus, "--enable-feature=agent", f"--config.file={work}/agent.yml",
                f"--storage.agent.path={work}/agent", f"--web.listen-address=127.0.0.1:{AGENT_PORT}",
                "--log.level=warn", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(2)
            for name, daemon in daemons.items():
                if daemon.poll() is not None:
                    raise RuntimeError(f"flowlensd on host {name} exited at start: {daemon.stderr.read()}")
            for name, host in hosts.items():
                procs += start_players(host, PLAY_SECONDS, mix=MIX[name])

            # The fleet total as the dashboard asks for it, until it settles (bounded).
            want_total = float(sum(EXPECT.values()))
            deadline = time.time() + WARMUP + 40
            total = None
            while time.time() < deadline:
                total = query(fill(fleet_total, "node"))
                if total == {"": want_total}:
                    break
                time.sleep(1)
            print(f"fleet total through Prometheus: {total} (expected {want_total:g})")
            if total != {"": want_total}:
                failures.append(f"the dashboard's fleet total: {total}, expected {want_total:g}")
            by_node = query(fill(per_host, "node"))
            print("players per host, host label node:", by_node)
            if by_node != {f"game-{n}": float(v) for n, v in EXPECT.items()}:
                failures.append(f"players per node: {by_node}, expected {EXPECT}")
            # Host A under its scrape address, host B under its agent's (loopback) target.
            by_instance = query(fill(per_host, "instance"))
            print("players per host, host label instance:", by_instance)
            want = {f"{LINKS['a'][1]}:{SINK_PORT}": float(EXPECT["a"]), f"127.0.0.1:{SINK_PORT}": float(EXPECT["b"])}
            if by_instance != want:
                failures.append(f"players per instance: {by_instance}, expected {want}")
            if query(fill(fleet_total, "instance")) != {"": want_total}:
                failures.append("the fleet total differs with the host label instance")
            unknown = query(fill(queries["Unknown servers"][0]["expr"], "node"))
            print("unknown servers in the fleet:", unknown)
            if unknown != {"": 2.0}:
                failures.append(f"the dashboard's unknown servers: {unknown}, expected cs-copy on each host")
            one = query(fill(fleet_total, "node", host="game-b"))
            if one != {"": float(EXPECT["b"])}:
                failures.append(f"the fleet total with only host game-b selected: {one}, expected {EXPECT['b']}")

            # Every query of the dashboard finds series of this fleet at some time of the run
            # (the unknown servers' during the warm-up), once each host has enough samples for the
            # rate windows (bounded).
            deadline = time.time() + 30
            while time.time() < deadline:
                samples = query(f"count_over_time(flowlens_build_info[{RATE_INTERVAL}])")
                if len(samples) == 2 and min(samples.values()) >= 10:
                    break
                time.sleep(1)
            end = time.time()
            for label in ("instance", "node"):
                for where, expr in expressions(dashboard):
                    r = mon.api("/api/v1/query_range", query=fill(expr, label), start=f"{start:.3f}",
                                end=f"{end:.3f}", step="1")
                    if r["status"] != 200 or not r["body"]["data"]["result"]:
                        failures.append(f"{where}, host label {label}: no series from the fleet: "
                                        f"{fill(expr, label)} -> {r}")
            rules = mon.api("/api/v1/rules")
            loaded = [(rule["name"], rule["health"]) for g in rules["body"]["data"]["groups"] for rule in g["rules"]] \
                if rules["status"] == 200 else []
            print("alerting rules loaded:", loaded)
            if len(loaded) < 7 or any(h != "ok" for _, h in loaded):
                failures.append(f"the shipped alerting rules in the central Prometheus: {loaded}")
            down = query('ALERTS{alertname=~"FlowLensDown|FlowLensNotAttached|FlowLensSilent"}')
            if down:
                failures.append(f"a healthy fleet has down alerts: {down}")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
            for name, daemon in daemons.items():
                rc, err = stop_daemon(daemon, 20)
                if rc != 0:
                    failures.append(f"flowlensd on host {name} exit status {rc}; stderr tail:\n"
                                    + "\n".join(err.splitlines()[-20:]))
            for pin in pins:
                subprocess.run(["rm", "-rf", pin])
        for name, host in hosts.items():
            if host.tc_filters():
                failures.append(f"TC filters left on host {name}: {host.tc_filters()}")
    return report("a fleet of two hosts through one Prometheus", failures)


if __name__ == "__main__":
    sys.exit(main())
