#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""SIGKILL and restart on the real kernel, with real players: the daemon is killed at points
spread over its tick interval, once inside a tick (made long by thousands of idle servers, and
killed as its debug line `tick begins` arrives; the log shows the tick began and never ended),
and once a few milliseconds into a SIGHUP reload; each time the next run starts over the same
pins without error, continues the counts from the pinned flow map
(a server's bytes never go back), never reads a confident 0 for a server with players (unknown
until it knows), and leaves exactly one of its filters per direction on the interface.

The daemon runs through nsenter in the game host's network namespace only (not `ip netns exec`,
whose private mount namespace would take the pins with it), so its pins are in the host's bpffs.

usage: kill_restart_test.py FLOWLENSD PLUGIN_DIR"""
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

PLAY_SECONDS = 75
INTERVAL = 0.5
KILL_OFFSETS = (0.0, INTERVAL / 3, 2 * INTERVAL / 3)  # after a tick line, within the next interval
RELOAD_KILL_DELAY = 0.02
SETTLE_SECONDS = 25  # a restart may read unknown until sessions could qualify again; not longer
# Idle servers that make a tick take tens of milliseconds at debug (a line per server), against
# the few a kill needs to arrive after the `tick begins` line is read; a kill that still came
# after the tick ended is retried.
IDLE_SERVERS = 4000  # with cs and mc, under the 4,096 endpoints the kernel program watches
TICK_KILL_ATTEMPTS = 4
TICK_BEGINS, TICK_ENDS = "tick begins", "players: "

CORE = "core: {{interface: {dev}, plugin_dir: {plugins}, pin_dir: {pins}, metrics_interval: 500ms}}\n"
STATIC = """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, endpoints: ["27015/udp"]}}
        - {{id: mc, endpoints: ["25565/tcp"]}}
{extra}"""
IDLE = "".join(f'        - {{id: idle-{i}, endpoints: ["{30000 + i}/udp"]}}\n' for i in range(IDLE_SERVERS))


class Run:
    """One daemon run: its JSON tick lines as they come."""

    def __init__(self, hosts, flowlensd, conf):
        # At debug for the `tick begins` line that a kill inside a tick waits for.
        self.proc = subprocess.Popen(["nsenter", f"--net=/run/netns/{hosts.srv}", flowlensd, "run", "--conf-dir",
                                      conf, "--jsonl", "--log-level", "debug"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.ticks, self.err_lines = [], []
        self.kill_at_tick = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.ticks.append((time.monotonic(), {s["server_id"]: s for s in json.loads(line)["servers"]}))

    def _read_err(self):
        for line in self.proc.stderr:
            # Killed from the reader, as soon as the line is read: the tick has just begun.
            if TICK_BEGINS in line and self.kill_at_tick.is_set():
                self.proc.send_signal(signal.SIGKILL)
                self.kill_at_tick.clear()
            self.err_lines.append(line)

    @property
    def err(self):
        return "".join(self.err_lines)

    def wait_for(self, predicate, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.ticks and predicate(self.ticks[-1][1]):
                return self.ticks[-1][1]
            time.sleep(0.05)
        return None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        time.sleep(0.2)  # the stderr reader's last lines


def tick_lines(err):
    return [line for line in err.splitlines() if TICK_BEGINS in line or TICK_ENDS in line]


def tick_ms(err):
    """The tick durations the daemon reported: `players: ... (N flows, tick X ms)`."""
    return [float(line.rsplit("tick ", 1)[1].split(" ms")[0]) for line in err.splitlines()
            if TICK_ENDS in line and " ms)" in line]


def counting(servers):
    return all(servers.get(sid, {}).get("active_players") == n for sid, n in PLAYERS_EXPECTED.items())


def check_run(name, run, hosts, bytes_before, failures):
    """A run after a kill: started, one filter per direction, no confident 0, bytes continue."""
    got = run.wait_for(counting, SETTLE_SECONDS)
    if got is None:
        failures.append(f"{name}: the players were not counted again within {SETTLE_SECONDS} s "
                        f"(exit {run.proc.poll()}): {run.ticks[-2:]}\n{run.err[-2000:]}")
        return {}
    for _, servers in run.ticks:
        for sid in PLAYERS_EXPECTED:
            s = servers.get(sid, {})
            if s.get("known") and s.get("active_players") == 0:
                failures.append(f"{name}: {sid} read a confident 0 after the restart: {s}")
                break
            if s.get("total_bytes", 0) < bytes_before.get(sid, 0):
                failures.append(f"{name}: {sid}'s bytes went back from {bytes_before[sid]} to "
                                f"{s.get('total_bytes')}: the pinned flows were not continued")
                break
    filters = hosts.tc_filters()
    for prog in ("flowlens_tc_in", "flowlens_tc_out"):
        n = sum(1 for line in filters.splitlines() if f"{prog}:[" in line)
        if n != 1:
            failures.append(f"{name}: {n} {prog} filters on {hosts.dev}:\n{filters}")
    return {sid: got[sid]["total_bytes"] for sid in PLAYERS_EXPECTED}


def main():
    require_privileges()
    flowlensd, plugin_src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failures = []
    with TestHosts("rst") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, "discovery-static.so")])
        pins = f"/sys/fs/bpf/flowlens-test-rst-{os.getpid()}"
        with open(os.path.join(conf, "10-core.yaml"), "w") as f:
            f.write(CORE.format(dev=hosts.dev, plugins=plugins, pins=pins))
        static = os.path.join(conf, "20-static.yaml")
        with open(static, "w") as f:
            f.write(STATIC.format(extra=""))
        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp",
                                "25565", "--seconds", str(PLAY_SECONDS + 30), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        run = Run(hosts, flowlensd, conf)
        clients = []
        try:
            time.sleep(2)
            clients = start_players(hosts, PLAY_SECONDS)
            got = run.wait_for(counting, 30)
            if got is None:
                raise RuntimeError(f"the first run never counted the players: {run.ticks[-2:]}\n{run.err}")
            before = {sid: got[sid]["total_bytes"] for sid in PLAYERS_EXPECTED}

            for i, offset in enumerate(KILL_OFFSETS):
                n = len(run.ticks)
                while len(run.ticks) == n and run.proc.poll() is None:
                    time.sleep(0.005)
                time.sleep(offset)
                run.kill()
                run = Run(hosts, flowlensd, conf)
                before = check_run(f"after SIGKILL {offset:.2f} s after a tick", run, hosts, before, failures)
                if "reusing pinned map" not in run.err:
                    failures.append(f"kill {i}: the restart did not reuse the pinned maps:\n{run.err}")

            # Inside a tick: long ticks from idle servers, killed on the line that begins one.
            with open(static, "w") as f:
                f.write(STATIC.format(extra=IDLE))
            run.proc.send_signal(signal.SIGHUP)
            if run.wait_for(lambda s: len(s) > IDLE_SERVERS, 30) is None:
                raise RuntimeError(f"the reload to {IDLE_SERVERS} idle servers did not take:\n{run.err[-2000:]}")
            run.wait_for(lambda s: False, 2)  # a few long ticks to measure
            inside = None
            for attempt in range(TICK_KILL_ATTEMPTS):
                durations = tick_ms(run.err)[-3:]
                run.kill_at_tick.set()
                run.proc.wait(10)
                time.sleep(0.2)  # the stderr reader's last lines
                last = tick_lines(run.err)[-1:]
                print(f"kill inside a tick, attempt {attempt + 1}: ticks took {durations} ms; "
                      f"the log ends with {last}")
                if last and TICK_BEGINS in last[0]:
                    inside = durations
                run = Run(hosts, flowlensd, conf)
                before = check_run(f"after SIGKILL inside a tick (attempt {attempt + 1})", run, hosts, before,
                                   failures)
                if "reusing pinned map" not in run.err:
                    failures.append(f"kill inside a tick: the restart did not reuse the pinned maps:\n{run.err}")
                if inside is not None:
                    break
            if inside is None:
                failures.append(f"no kill landed inside a tick in {TICK_KILL_ATTEMPTS} attempts")

            with open(static, "w") as f:
                f.write(STATIC.format(extra='        - {id: extra, endpoints: ["34197/udp"]}\n'))
            run.proc.send_signal(signal.SIGHUP)
            time.sleep(RELOAD_KILL_DELAY)
            run.kill()
            run = Run(hosts, flowlensd, conf)
            check_run("after SIGKILL during a reload", run, hosts, before, failures)
            if run.wait_for(lambda s: "extra" in s, 5) is None:
                failures.append("the restart after a killed reload does not run the new configuration")
        finally:
            rc, err = stop_daemon(run.proc, 15)
            time.sleep(0.2)
            for c in clients + [server]:
                c.kill()
            subprocess.run(["rm", "-rf", pins])
        if rc != 0:
            failures.append(f"the last run's exit status {rc}:\n{run.err[-2000:]}")
        if hosts.tc_filters():
            failures.append(f"TC filters left after the last run:\n{hosts.tc_filters()}")
    return report("kill and restart", failures)


if __name__ == "__main__":
    sys.exit(main())
