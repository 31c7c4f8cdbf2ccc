#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""flowlensd under a service manager's notify socket (here the test's own datagram socket, as
systemd sets NOTIFY_SOCKET for Type=notify): READY=1 only once the TC filters are attached and the
plugins answer, WATCHDOG=1 every WATCHDOG_USEC/2 from the event loop, STATUS= following the
players, RELOADING=1 then READY=1 around a reload (SIGHUP), STOPPING=1 on SIGTERM.

usage: notify_test.py FLOWLENSD PLUGIN_DIR"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import (GAME_TRAFFIC, PLAYERS_EXPECTED, TestHosts, daemon_dirs, report, require_privileges,  # noqa: E402
                   start_players, stop_daemon)

API = "127.0.0.1:18080"
WATCHDOG_USEC = 1_000_000
PING_WINDOW = 5.0  # seconds of pings counted
PLAY_SECONDS = 40
PLAYERS = sum(PLAYERS_EXPECTED.values())

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n"
                    "  metrics_interval: 500ms\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: cs, endpoints: ["27015/udp"]}}
        - {{id: mc, endpoints: ["25565/tcp"]}}
""",
    "30-api.yaml": "plugins:\n  api:\n    plugin: sink-jsonapi\n    config: {{listen: [\"{api}\"], api_key: notify-test-token}}\n",
}

# Runs inside the game host's namespace: the JSON API's HTTP status for /health, or 0 if it is not
# listening.
HEALTH = """
import sys, urllib.request
try:
    with urllib.request.urlopen("http://%s/health", timeout=2) as r:
        print(r.status)
except Exception:
    print(0)
""" % API


class NotifyReceiver(threading.Thread):
    """Collects (monotonic arrival, message) from the notify socket. At the first READY=1 it stops
    the daemon (SIGSTOP, microseconds after the datagram) so nothing can start behind READY's
    back, records the TC filters and the sockets listening in the game host's namespace, and lets
    it go on; then it asks the JSON API for /health."""

    def __init__(self, sock, hosts):
        super().__init__(daemon=True)
        self.sock, self.hosts = sock, hosts
        self.messages, self.at_ready, self.pid = [], None, None

    def run(self):
        while True:
            try:
                data = self.sock.recv(4096).decode()
            except OSError:
                return
            self.messages.append((time.monotonic(), data))
            if data == "READY=1" and self.at_ready is None and self.pid:
                os.kill(self.pid, signal.SIGSTOP)
                try:
                    filters = self.hosts.tc_filters()
                    listening = self.hosts.run_in(self.hosts.srv, "ss", "-ltnH", check=False)
                finally:
                    os.kill(self.pid, signal.SIGCONT)
                api = self.hosts.run_in(self.hosts.srv, sys.executable, "-c", HEALTH, check=False).strip()
                self.at_ready = (filters, listening, api)

    def times(self, message):
        return [t for t, m in self.messages if m == message]

    def statuses(self):
        return [m[len("STATUS="):] for _, m in self.messages if m.startswith("STATUS=")]


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.1)
    return predicate()


def check_pings(pings, t0, failures):
    """The pings after READY over PING_WINDOW: about one per WATCHDOG_USEC/2, no gap as long as
    WATCHDOG_USEC (systemd would restart the service)."""
    window = [t for t in pings if t0 <= t <= t0 + PING_WINDOW]
    expected = PING_WINDOW / (WATCHDOG_USEC / 2e6)
    gaps = [b - a for a, b in zip(window, window[1:])]
    print(f"{len(window)} watchdog pings in {PING_WINDOW} s (expected ~{expected:.0f}), "
          f"longest gap {max(gaps, default=0):.2f} s")
    if not expected * 0.7 <= len(window) <= expected * 1.3:
        failures.append(f"{len(window)} WATCHDOG=1 in {PING_WINDOW} s with WATCHDOG_USEC={WATCHDOG_USEC}, "
                        f"expected about {expected:.0f}")
    if gaps and max(gaps) >= WATCHDOG_USEC / 1e6:
        failures.append(f"a {max(gaps):.2f} s gap between pings: systemd would have restarted the daemon")


def main():
    require_privileges()
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    failures = []
    with TestHosts("ntf") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, so) for so in ("discovery-static.so", "sink-jsonapi.so")])
        pins = f"/sys/fs/bpf/flowlens-test-ntf-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins, api=API))

        notify_path = os.path.join(work, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(notify_path)
        receiver = NotifyReceiver(sock, hosts)
        receiver.start()

        server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 60), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready", "game servers did not start"
        env = dict(os.environ, NOTIFY_SOCKET=notify_path, WATCHDOG_USEC=str(WATCHDOG_USEC))
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        receiver.pid = daemon.pid  # `ip netns exec` execs flowlensd: the same process
        rc, err = None, ""
        try:
            if not wait_for(lambda: receiver.at_ready is not None or daemon.poll() is not None, 20):
                raise RuntimeError("no READY=1 within 20 s")
            if receiver.at_ready is None:
                raise RuntimeError(f"flowlensd exited before READY=1 ({daemon.returncode}): {daemon.stderr.read()}")
            filters, listening, api = receiver.at_ready
            if "flowlens" not in filters:
                failures.append(f"READY=1 arrived before the TC filters were attached; tc showed:\n{filters}")
            if API not in listening:
                failures.append(f"READY=1 arrived before the JSON API sink listened on {API}; ss showed:\n{listening}")
            if api != "200":
                failures.append(f"the JSON API sink did not answer /health after READY=1 ({api})")
            ready_at = receiver.times("READY=1")[0]
            early = [m for t, m in receiver.messages if t < ready_at and m.startswith("WATCHDOG")]
            if early:
                failures.append(f"pings before READY=1: {early}")

            time.sleep(PING_WINDOW + 0.5)
            check_pings(receiver.times("WATCHDOG=1"), ready_at, failures)

            clients = start_players(hosts, PLAY_SECONDS)
            want = f"watching 2 servers, {PLAYERS} players"
            if not wait_for(lambda: want in receiver.statuses(), PLAY_SECONDS - 5):
                failures.append(f"STATUS never said '{want}'; it said: {receiver.statuses()}")
            print("STATUS sequence:", receiver.statuses())
            statuses = receiver.statuses()
            if any(a == b for a, b in zip(statuses, statuses[1:])):
                failures.append(f"the same STATUS sent twice in a row: {statuses}")
            for c in clients:
                c.kill()
                c.wait()

            # A reload, as ExecReload asks for it: RELOADING=1 first, READY=1 once it is done.
            hup_at = time.monotonic()
            daemon.send_signal(signal.SIGHUP)
            wait_for(lambda: [t for t in receiver.times("READY=1") if t > hup_at], 10)
            reloading = [t for t, m in receiver.messages if t > hup_at and m.startswith("RELOADING=1\nMONOTONIC_USEC=")]
            ready_again = [t for t in receiver.times("READY=1") if t > hup_at]
            if len(reloading) != 1 or len(ready_again) != 1 or ready_again[0] < reloading[0]:
                failures.append(f"SIGHUP: expected RELOADING=1 then READY=1, got {receiver.messages[-6:]}")

            daemon.send_signal(signal.SIGTERM)
            try:
                rc = daemon.wait(15)
            except subprocess.TimeoutExpired:
                failures.append("still running 15 s after SIGTERM")
            err = daemon.stderr.read() if rc is not None else ""
            if not wait_for(lambda: receiver.times("STOPPING=1"), 2):
                failures.append("no STOPPING=1 on SIGTERM")
        finally:
            if daemon.poll() is None:
                rc, err = stop_daemon(daemon, 5)
                daemon.kill()
            server.kill()
            server.wait()
            sock.close()
            subprocess.run(["rm", "-rf", pins])
        if rc not in (0, None):
            failures.append(f"exit status {rc} after SIGTERM; stderr:\n{err}")
        left_over = hosts.tc_filters()
        if left_over:
            failures.append(f"TC filters left on {hosts.dev} after exit:\n{left_over}")
    return report("notify", failures)


if __name__ == "__main__":
    sys.exit(main())
