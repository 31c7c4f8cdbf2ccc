#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A spoofed-source flood on the real kernel: while real players play, one process floods the
game server's port with frames from a new source address each, through the veth, as fast as it
can for FLOOD_SECONDS. The players stay counted (a flow enters the flow map only with its second
packet), the API keeps answering, and the flood is reported: /health one_packet_flows near the
probation capacity, one warning when it starts and one line when it ends.

usage: flood_test.py FLOWLENSD PLUGIN_DIR [--sanitized]   (a sanitizer build floods for 10 s)"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import (GAME_TRAFFIC, PLAYERS_EXPECTED, SERVER_V4, TestHosts, daemon_dirs, report,  # noqa: E402
                   require_privileges, start_players, stop_daemon)

SENDER = os.path.join(HERE, "flood_sender.py")
FLOOD_SECONDS, SANITIZED_FLOOD_SECONDS = 30, 10
PLAY_SECONDS = 70
API = "127.0.0.1:18095"
CONF = ("core: {{interface: {dev}, plugin_dir: {plugins}, metrics_interval: 1s}}\n"
        "plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n"
        "        - {{id: cs, endpoints: [\"27015/udp\"]}}\n        - {{id: mc, endpoints: [\"25565/tcp\"]}}\n"
        "  api: {{plugin: sink-jsonapi, config: {{listen: [\"{api}\"], auth: none}}}}\n")
POLL = """
import json, sys, time, urllib.request
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    out = {}
    for path in ("/metrics/servers", "/health"):
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen("http://%s" + path, timeout=5) as r:
                out[path] = json.loads(r.read().decode())
        except Exception as e:
            out[path] = {"error": str(e)}
        out[path + " s"] = time.monotonic() - t0
    print(json.dumps(out), flush=True)
    time.sleep(0.5)
""" % API


def counts(doc):
    return {s["server_id"]: s["active_players"] for s in doc.get("servers", [])}


def main():
    require_privileges()
    flowlensd, plugin_src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    flood_seconds = SANITIZED_FLOOD_SECONDS if "--sanitized" in sys.argv[3:] else FLOOD_SECONDS
    failures = []
    with TestHosts("fld") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, f"{name}.so") for name in ("discovery-static", "sink-jsonapi")])
        with open(os.path.join(conf, "10.yaml"), "w") as f:
            f.write(CONF.format(dev=hosts.dev, plugins=plugins, api=API))
        mac = hosts.run_in(hosts.srv, "cat", f"/sys/class/net/{hosts.dev}/address").strip()
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp",
                                "25565", "--seconds", str(PLAY_SECONDS + 30), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        err = []
        threading.Thread(target=lambda: err.append(daemon.stderr.read()), daemon=True).start()
        clients = []
        try:
            time.sleep(2)
            clients = start_players(hosts, PLAY_SECONDS)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                polled = hosts.run_in(hosts.srv, sys.executable, "-c", POLL, "0.1", check=False)
                if polled and counts(json.loads(polled.splitlines()[0])["/metrics/servers"]) == PLAYERS_EXPECTED:
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError("the players were never counted before the flood")
            flood = hosts.popen_in(hosts.cli, sys.executable, SENDER, hosts.peer, mac, SERVER_V4, "27015",
                                   "--seconds", str(flood_seconds), stdout=subprocess.PIPE, text=True)
            time.sleep(3)  # the flood is under way; a tick has seen it
            during = [json.loads(line) for line in hosts.run_in(
                hosts.srv, sys.executable, "-c", POLL, str(flood_seconds - 5)).splitlines()]
            sent, rate = (int(x) for x in flood.communicate(timeout=flood_seconds + 30)[0].split())
            time.sleep(4)  # a tick or two without the flood
            alive = daemon.poll() is None
        finally:
            rc, _ = stop_daemon(daemon, 15)
            for c in clients + [server]:
                c.kill()
            time.sleep(0.3)
        log = "".join(err)
        seen = [counts(d["/metrics/servers"]) for d in during]
        good = sum(1 for c in seen if c == PLAYERS_EXPECTED)
        health = [d["/health"] for d in during if "one_packet_flows" in d["/health"]]
        one_packet = [h["one_packet_flows"] for h in health]
        slow = [round(d[k], 2) for d in during for k in ("/metrics/servers s", "/health s") if d[k] > 5]
        print(f"flood: {sent} frames in {flood_seconds} s, {rate} frames/s; players during it: {good} of "
              f"{len(seen)} polls as expected; one_packet_flows {min(one_packet, default='?')}.."
              f"{max(one_packet, default='?')} of {health[0]['probation_capacity'] if health else '?'}")
        if not alive or rc != 0:
            failures.append(f"the daemon did not survive the flood (exit {rc}):\n{log[-2000:]}")
        if not seen or good < 0.9 * len(seen):
            failures.append(f"players not counted during the flood: {seen}")
        if slow or any("error" in d["/metrics/servers"] for d in during):
            failures.append(f"the API was slow or failed during the flood: {slow}")
        if not health or max(one_packet) < health[0]["probation_capacity"] // 2:
            failures.append(f"/health does not report the flood: one_packet_flows {one_packet}")
        starts = log.count("flood of one-packet flows (spoofed sources")
        ends = log.count("the flood of one-packet flows is over")
        if starts != 1 or ends != 1:
            failures.append(f"the flood was reported {starts} times and its end {ends} times, expected once each:\n"
                            + "\n".join(line for line in log.splitlines() if "flood" in line))
    return report("flood", failures)


if __name__ == "__main__":
    sys.exit(main())
