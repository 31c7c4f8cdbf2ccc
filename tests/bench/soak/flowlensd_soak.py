#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Soak: the real daemon counting real game traffic for a long time (24 h by default), in network
namespaces this script creates and removes. Every interval it samples flowlensd's RSS and open
fds (/proc), its last tick's duration and the players it counts (the JSON API), appends a row to
soak.csv and redraws soak.svg (one panel per figure), so a run can be watched while it goes and
read if it is cut short.

usage: flowlensd_soak.py FLOWLENSD PLUGIN_DIR --out DIR [--duration 24h] [--interval 60s]  (root)
prints: one line per sample and a summary (first, last and largest RSS and fds, tick times,
        the share of samples with the expected players)"""
import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netns import GAME_TRAFFIC, PLAYERS_EXPECTED, TestHosts, daemon_dirs, require_privileges, start_players, stop_daemon  # noqa: E402
from soak_plot import write_svg  # noqa: E402

API = "127.0.0.1:18092"
MAX_SECONDS = 7 * 24 * 3600
COLUMNS = ("elapsed_s", "rss_kib", "fds", "tick_ms", "flows", "players_cs", "players_mc")

FETCH = """
import sys, urllib.request
with urllib.request.urlopen("http://%s" + sys.argv[1], timeout=5) as r:
    sys.stdout.write(r.read().decode())
""" % API


def seconds(text):
    m = re.fullmatch(r"(\d+)(s|m|h)?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}': a number of seconds, or N followed by s, m or h")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def write_conf(conf, hosts, plugins, pins):
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write(f"core: {{interface: {hosts.dev}, pin_dir: {pins}, plugin_dir: {plugins}, "
                "metrics_interval: 1s}\n")
    with open(os.path.join(conf, "20-static.yaml"), "w") as f:
        f.write("plugins:\n  static:\n    plugin: discovery-static\n    config:\n      servers:\n"
                "        - {id: cs, endpoints: [\"27015/udp\"]}\n        - {id: mc, endpoints: [\"25565/tcp\"]}\n")
    with open(os.path.join(conf, "30-api.yaml"), "w") as f:
        f.write(f"plugins:\n  api: {{plugin: sink-jsonapi, config: {{listen: [\"{API}\"], auth: none}}}}\n")


def last_tick_ms(log_path):
    """The last tick's duration from the daemon's info line ("... (5 flows, tick 0.4 ms)"): /health
    rounds it to milliseconds."""
    with open(log_path, "rb") as f:
        f.seek(max(0, os.path.getsize(log_path) - 4096))
        found = re.findall(rb"tick ([0-9.]+) ms\)", f.read())
    return float(found[-1]) if found else ""


def sample(hosts, pid, t0, log_path):
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    fetch = lambda path: json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, path, check=False) or "{}")
    health = fetch("/health")
    players = {s["server_id"]: s["active_players"] for s in fetch("/metrics/servers").get("servers", [])}
    return {"elapsed_s": round(time.monotonic() - t0), "rss_kib": rss, "fds": fds,
            "tick_ms": last_tick_ms(log_path),
            "flows": health.get("flows", ""), "players_cs": unknown_as_blank(players.get("cs")),
            "players_mc": unknown_as_blank(players.get("mc"))}


def unknown_as_blank(players):
    """An unknown count is a blank cell, never 0."""
    return "" if players is None else players


def summary(rows):
    ticks = sorted(r["tick_ms"] for r in rows if r["tick_ms"] != "")
    good = sum(1 for r in rows if r["players_cs"] == PLAYERS_EXPECTED["cs"] and r["players_mc"] == PLAYERS_EXPECTED["mc"])
    first, last = rows[0], rows[-1]
    return (f"{len(rows)} samples over {last['elapsed_s']} s; RSS KiB first {first['rss_kib']}, last {last['rss_kib']}, "
            f"max {max(r['rss_kib'] for r in rows)}; fds first {first['fds']}, last {last['fds']}, "
            f"max {max(r['fds'] for r in rows)}; tick ms median {ticks[len(ticks) // 2] if ticks else '?'}, "
            f"max {ticks[-1] if ticks else '?'}; expected players in {good}/{len(rows)} samples")


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("flowlensd_soak.py: terminated"))
    ap = argparse.ArgumentParser()
    ap.add_argument("flowlensd")
    ap.add_argument("plugin_dir")
    ap.add_argument("--out", required=True)
    ap.add_argument("--duration", type=seconds, default=24 * 3600)
    ap.add_argument("--interval", type=seconds, default=60)
    a = ap.parse_args()
    require_privileges()
    if not 0 < a.duration <= MAX_SECONDS or not 0 < a.interval <= a.duration:
        sys.exit(f"--duration up to {MAX_SECONDS} s, --interval at most the duration")
    os.makedirs(a.out, exist_ok=True)
    csv_path, svg_path = os.path.join(a.out, "soak.csv"), os.path.join(a.out, "soak.svg")
    rows = []
    with TestHosts("soak") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(a.plugin_dir, f"{name}.so") for name in ("discovery-static", "sink-jsonapi")])
        pins = f"/sys/fs/bpf/flowlens-soak-{os.getpid()}"
        write_conf(conf, hosts, plugins, pins)
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp",
                                "25565", "--seconds", str(a.duration + 60), stdout=subprocess.PIPE, text=True)
        log = open(os.path.join(a.out, "flowlensd.log"), "w")
        daemon = hosts.popen_in(hosts.srv, os.path.abspath(a.flowlensd), "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=log)
        clients = []
        try:
            if server.stdout.readline().strip() != "ready":
                sys.exit("the game servers did not start")
            time.sleep(3)
            clients = start_players(hosts, a.duration)
            t0 = time.monotonic()
            with open(csv_path, "w", newline="") as f:
                out = csv.DictWriter(f, COLUMNS)
                out.writeheader()
                while daemon.poll() is None and time.monotonic() - t0 < a.duration:
                    row = sample(hosts, daemon.pid, t0, log.name)
                    rows.append(row)
                    out.writerow(row)
                    f.flush()
                    write_svg(svg_path, rows)
                    print(" ".join(f"{k}={row[k]}" for k in COLUMNS), flush=True)
                    time.sleep(max(0.0, t0 + len(rows) * a.interval - time.monotonic()))
            if daemon.poll() is not None:
                sys.exit(f"flowlensd exited ({daemon.returncode}) after {len(rows)} samples; see {log.name}")
        finally:
            for p in clients + [server]:
                p.kill()
            if daemon.poll() is None:
                stop_daemon(daemon, 30)
            log.close()
            subprocess.run(["rm", "-rf", pins])
    if rows:
        print("SOAK", summary(rows))
        print(f"# {csv_path}, {svg_path}")


if __name__ == "__main__":
    main()
