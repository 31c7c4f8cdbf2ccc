#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Two hosts' faults on the real daemon, with real players:
- its CLOCK_MONOTONIC an hour ahead of the kernel's (a time namespace, as a container may have):
  flows are stamped by the kernel program and aged by the daemon, so the two must agree on the
  clock or every player looks an hour gone;
- the wall clock stepped an hour forward, then two hours back, while it runs (NTP on a fresh VM).
  A step moves CLOCK_REALTIME only, and the kernel program never reads it, so stepping the
  daemon's own view of it (libfaketime, offset read from a file at every call) is the whole
  fault: the players stay counted, /health stays ok with the true age of the last tick, and the
  daemon's timestamps follow the new time;
- its log on a full disk (stderr is /dev/full): it keeps counting and serving the API, and stops
  cleanly.

usage: clock_disk_test.py FLOWLENSD PLUGIN_DIR"""
import calendar
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

PLAY_SECONDS = 85  # the players play through all three daemon runs
CLOCK_OFFSET = 3600
API = "127.0.0.1:18094"
CONF = ("core: {{interface: {dev}, plugin_dir: {plugins}, metrics_interval: 500ms}}\n"
        "plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n"
        "        - {{id: cs, endpoints: [\"27015/udp\"]}}\n        - {{id: mc, endpoints: [\"25565/tcp\"]}}\n"
        "  api: {{plugin: sink-jsonapi, config: {{listen: [\"{api}\"], auth: none}}}}\n")
FETCH = """
import sys, urllib.error, urllib.request
try:
    r = urllib.request.urlopen("http://%s" + sys.argv[1], timeout=5)
except urllib.error.HTTPError as e:
    r = e
print(r.status)
sys.stdout.write(r.read().decode())
""" % API
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
WALL_STEPS = (3600, -3600)  # the offset from the true time after each step, in seconds


def fetch(hosts, path):
    """(status, parsed body) of one API request from the game host, or (None, None)."""
    out = hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, path, check=False)
    if not out:
        return None, None
    status, _, body = out.partition("\n")
    return int(status), json.loads(body)


def counting(servers):
    return all(servers.get(sid) == n for sid, n in PLAYERS_EXPECTED.items())


def poll_api(hosts, seconds):
    """The API's {server: players} until it shows the players, or the last answer."""
    deadline, last = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        status, body = fetch(hosts, "/metrics/servers")
        if status == 200:
            last = {s["server_id"]: s["active_players"] for s in body["servers"]}
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


def wall_clock_steps(hosts, flowlensd, conf, work, failures):
    if not os.path.exists(LIBFAKETIME):
        failures.append(f"{LIBFAKETIME} is missing: scripts/install-deps.sh --test installs faketime")
        return
    offset_file = os.path.join(work, "wall-offset")
    with open(offset_file, "w") as f:
        f.write("+0\n")
    env = dict(os.environ, LD_PRELOAD=LIBFAKETIME, FAKETIME_TIMESTAMP_FILE=offset_file, FAKETIME_NO_CACHE="1",
               FAKETIME_DONT_FAKE_MONOTONIC="1",
               # A sanitizer build's runtime must come first; the preload is only a clock.
               ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"])))
    daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    err = []
    threading.Thread(target=lambda: err.append(daemon.stderr.read()), daemon=True).start()
    try:
        last, ok = poll_api(hosts, 25)
        if not ok:
            failures.append(f"under libfaketime, before any step: the API reads {last}")
            return
        for offset in WALL_STEPS:
            with open(offset_file, "w") as f:
                f.write(f"{offset:+d}\n")
            what = f"wall clock stepped to {offset:+d} s"
            # Asked over and over from the moment of the step: the tick before it was stamped on
            # the old time, and the age of the last tick must not jump by the step meanwhile.
            ages, bad = [], []
            until = time.monotonic() + 3
            while time.monotonic() < until:
                status, health = fetch(hosts, "/health")
                age = (health or {}).get("last_tick_age_seconds")
                ages.append(age)
                if status != 200 or age is None or not 0 <= age < 5:
                    bad.append(f"{status} with last_tick_age_seconds {age}")
            if bad:
                failures.append(f"{what}: /health answered {len(bad)} of {len(ages)} times: {bad[:3]}")
            status, body = fetch(hosts, "/metrics/servers")
            servers = {s["server_id"]: s for s in (body or {}).get("servers", [])}
            counts = {sid: s["active_players"] for sid, s in servers.items()}
            if status != 200 or counts != PLAYERS_EXPECTED:
                failures.append(f"{what}: /metrics/servers answers {status} {counts}, expected {PLAYERS_EXPECTED}")
            # The snapshot's timestamps must be on the daemon's (stepped) clock, or the step never
            # happened and this test proves nothing.
            stamp = servers.get("cs", {}).get("timestamp")
            if stamp:
                shown = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S"))
                if abs(shown - (time.time() + offset)) > 30:
                    failures.append(f"{what}: the snapshot is stamped {stamp}, not on the stepped clock")
    finally:
        rc, _ = stop_daemon(daemon, 15)
        time.sleep(0.2)
    log = "".join(err)
    if rc != 0:
        failures.append(f"with the wall clock stepped: exit {rc}\n{log[-2000:]}")
    # `ip netns exec` mounts bpffs privately, which the daemon rightly warns of at start.
    noisy = [line for line in log.splitlines()
             if (" warning " in line or " error " in line) and "bpffs was mounted" not in line]
    if noisy:
        failures.append("a wall-clock step is not a fault of the host, yet the daemon complained:\n"
                        + "\n".join(noisy[:10]))


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
            wall_clock_steps(hosts, flowlensd, conf, work, failures)
            disk_full(hosts, flowlensd, conf, failures)
        finally:
            for c in clients + [server]:
                c.kill()
        if hosts.tc_filters():
            failures.append(f"TC filters left:\n{hosts.tc_filters()}")
    return report("clock and disk", failures)


if __name__ == "__main__":
    sys.exit(main())
