#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Two hosts' faults on the real daemon, with real players:
- its CLOCK_MONOTONIC an hour ahead of the kernel's (a time namespace, as a container may have):
  flows are stamped by the kernel program and aged by the daemon, so the two must agree on the
  clock or every player looks an hour gone;
- its log on a full disk (stderr is /dev/full): it keeps counting and serving the API, and stops
  cleanly.

usage: clock_disk_test.py FLOWLENSD PLUGIN_DIR"""
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
from netns import (GAME_TRAFFIC, PLAYERS_EXPECTED, TestHosts, daemon_dirs, report, require_privileges,  # noqa: E402
                   start_players, stop_daemon)

PLAY_SECONDS = 55
CLOCK_OFFSET = 3600
API = "127.0.0.1:18094"
CONF = ("core: {{interface: {dev}, plugin_dir: {plugins}, metrics_interval: 500ms}}\n"
        "plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n"
        "        - {{id: cs, endpoints: [\"27015/udp\"]}}\n        - {{id: mc, endpoints: [\"25565/tcp\"]}}\n"
        "  api: {{plugin: sink-jsonapi, config: {{listen: [\"{api}\"], auth: none}}}}\n")
FETCH = """
import sys, urllib.request
with urllib.request.urlopen("http://%s/metrics/servers", timeout=5) as r:
    sys.stdout.write(r.read().decode())
""" % API


def counting(servers):
    return all(servers.get(sid) == n for sid, n in PLAYERS_EXPECTED.items())


def poll_api(hosts, seconds):
    """The API's {server: players} until it shows the players, or the last answer."""
    deadline, last = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        out = hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, check=False)
        if out:
            last = {s["server_id"]: s["active_players"] for s in json.loads(out)["servers"]}
            if counting(last):
                return last, True
        time.sleep(0.5)
    return last, False


def clock_ahead(hosts, flowlensd, conf, failures):
    daemon = hosts.popen_in(hosts.srv, "unshare", "--time", f"--monotonic={CLOCK_OFFSET}", "--fork", flowlensd,
                            "run", "--conf-dir", conf, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = []
    threading.Thread(target=lambda: err.append(daemon.stderr.read()), daemon=True).start()
    try:
        last, ok = poll_api(hosts, 25)
        if not ok:
            failures.append(f"monotonic clock {CLOCK_OFFSET} s ahead of the kernel's: the API reads {last}, "
                            f"expected {PLAYERS_EXPECTED}")
    finally:
        # `ip netns exec` execs unshare, which forks the daemon: signal the daemon itself.
        with open(f"/proc/{daemon.pid}/task/{daemon.pid}/children") as f:
            children = [int(p) for p in f.read().split()]
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        try:
            rc = daemon.wait(15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            rc = "killed"
        time.sleep(0.2)
    if rc != 0:
        failures.append(f"with the clock ahead: exit {rc}\n{''.join(err)[-2000:]}")


def disk_full(hosts, flowlensd, conf, failures):
    with open("/dev/full", "w") as full:
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, stdout=full, stderr=full)
    try:
        last, ok = poll_api(hosts, 25)
        if not ok:
            failures.append(f"logging to a full disk: the API reads {last} (exit {daemon.poll()})")
        time.sleep(3)
        if daemon.poll() is not None:
            failures.append(f"logging to a full disk ended the daemon (exit {daemon.returncode})")
    finally:
        rc, _ = stop_daemon(daemon, 15)
    if rc != 0:
        failures.append(f"logging to a full disk: exit {rc} after SIGTERM")


def main():
    require_privileges()
    flowlensd, plugin_src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failures = []
    with TestHosts("clk") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, f"{name}.so") for name in ("discovery-static", "sink-jsonapi")])
        with open(os.path.join(conf, "10.yaml"), "w") as f:
            f.write(CONF.format(dev=hosts.dev, plugins=plugins, api=API))
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp",
                                "25565", "--seconds", str(PLAY_SECONDS + 30), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        clients = start_players(hosts, PLAY_SECONDS)
        try:
            clock_ahead(hosts, flowlensd, conf, failures)
            disk_full(hosts, flowlensd, conf, failures)
        finally:
            for c in clients + [server]:
                c.kill()
        if hosts.tc_filters():
            failures.append(f"TC filters left:\n{hosts.tc_filters()}")
    return report("clock and disk", failures)


if __name__ == "__main__":
    sys.exit(main())
