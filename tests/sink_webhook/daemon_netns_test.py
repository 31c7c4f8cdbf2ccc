#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end through the real daemon: players join a server in network namespaces the test
creates -> the kernel program and estimator count them -> sink-webhook fires `players >= 2`,
then resolves it and fires `empty` once they leave, delivered to the recording receiver, while a
second webhook of the same instance hangs on every request. No URL path appears in the log.

usage: daemon_netns_test.py FLOWLENSD PLUGIN_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from netns import CLIENT_V4, SERVER_V4, TestHosts, daemon_dirs, report, require_privileges  # noqa: E402

TRAFFIC = os.path.join(HERE, "..", "integration", "game_traffic.py")
RECEIVER = os.path.join(HERE, "recording_receiver.py")
PLAY_SECONDS = 20

CONF = {
    "10-core.yaml": "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n",
    "20-static.yaml": """plugins:
  static:
    plugin: discovery-static
    config:
      servers:
        - {{id: mc, name: Minecraft, endpoints: ["25565/tcp"], labels: {{game: minecraft}}}}
""",
    "45-alerts.yaml": """plugins:
  alerts:
    plugin: sink-webhook
    config:
      state_dir: {state}
      group_wait: 1s
      rules:
        - {{name: busy, select: {{labels: {{game: minecraft}}}}, when: "players >= 2", for: 2s}}
        - {{name: idle, select: {{server: mc}}, when: empty, for: 3s}}
      webhooks:
        - {{name: hangs, format: json, url: "http://127.0.0.1:{port}/slow/hook-token", timeout: 30s}}
        - {{name: receiver, format: json, url: "http://127.0.0.1:{port}/ok/e2e-token"}}
""",
}


def alerts(records):
    """(alert, state, players) of every alert the healthy webhook received, in order."""
    out = []
    for r in records:
        if r["path"].startswith("/ok/"):
            for a in json.loads(r["body"])["alerts"]:
                out.append((a["alert"], a["state"], a["players"]))
    return out


def read_records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_for(path, want, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = alerts(read_records(path))
        if want(got):
            return got
        time.sleep(0.2)
    return alerts(read_records(path))


def main():
    require_privileges()
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    failures = []
    with TestHosts("whk") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, name) for name in ("discovery-static.so", "sink-webhook.so")])
        records, port_file = os.path.join(work, "records.jsonl"), os.path.join(work, "port")
        receiver = hosts.popen_in(hosts.srv, sys.executable, RECEIVER, "--record", records,
                                  "--port-file", port_file)
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        with open(port_file) as f:
            port = int(f.read())
        pins = f"/sys/fs/bpf/flowlens-test-whk-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins,
                                    state=os.path.join(work, "state"), port=port))
        check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf],
                               capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"check-config rejected the test config: {check.stdout}{check.stderr}")

        server = hosts.popen_in(hosts.srv, sys.executable, TRAFFIC, "serve", "--tcp", "25565",
                                "--seconds", str(PLAY_SECONDS + 90), stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        log_path = os.path.join(work, "flowlensd.log")
        log = open(log_path, "w")
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=log)
        rc, stop_seconds = None, 0.0
        try:
            time.sleep(3)
            if daemon.poll() is not None:
                raise RuntimeError(f"flowlensd exited at start: {open(log_path).read()}")
            started = alerts(read_records(records))
            if started:
                failures.append(f"alerts sent at daemon start, before anyone joined: {started}")
            client = hosts.popen_in(hosts.cli, sys.executable, TRAFFIC, "client", "--proto", "tcp",
                                    "--server", SERVER_V4, "--port", "25565", "--source", CLIENT_V4[0],
                                    "--per-source", "2", "--rate", "25", "--seconds", str(PLAY_SECONDS))
            joined = time.monotonic()
            got = wait_for(records, lambda a: any(x[:2] == ("busy", "firing") for x in a), PLAY_SECONDS)
            print(f"after {time.monotonic() - joined:.1f} s of play:", got)
            if not any(x[:2] == ("busy", "firing") and x[2] is not None and x[2] >= 2 for x in got):
                failures.append(f"no `busy` firing with 2 players while 2 played: {got}")
            client.wait(PLAY_SECONDS + 20)
            got = wait_for(records, lambda a: ("busy", "resolved") in [x[:2] for x in a]
                           and ("idle", "firing") in [x[:2] for x in a], 60)
            print("after they left:", got)
            if ("busy", "resolved") not in [x[:2] for x in got]:
                failures.append(f"`busy` did not resolve after the players left: {got}")
            if ("idle", "firing", 0) not in got:
                failures.append(f"`empty` did not fire after the players left: {got}")
            if got and got[0][:2] != ("busy", "firing"):
                failures.append(f"the first alert should be `busy` firing: {got}")
        finally:
            t0 = time.monotonic()
            daemon.terminate()
            try:
                rc = daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
                rc = "killed after 30 s"
            stop_seconds = time.monotonic() - t0
            log.close()
            server.kill()
            receiver.kill()
            subprocess.run(["rm", "-rf", pins])
        text = open(log_path).read()
        if rc != 0:
            failures.append(f"flowlensd exit status {rc}; log tail:\n" + "\n".join(text.splitlines()[-20:]))
        if stop_seconds > 15:
            failures.append(f"stopping took {stop_seconds:.1f} s with a hanging webhook (drain is 3 s)")
        slow = [r for r in read_records(records) if r["path"].startswith("/slow/")]
        if not slow:
            failures.append("the hanging webhook was never called: the test proves nothing")
        if f"127.0.0.1:{port}" not in text:
            failures.append("the log never names the webhooks' host: the URL check below proves nothing")
        for secret in ("hook-token", "e2e-token", "/slow/", "/ok/"):
            if secret in text:
                failures.append(f"the daemon's log shows a webhook URL path ({secret})")
    return report("sink-webhook end-to-end", failures)


if __name__ == "__main__":
    sys.exit(main())
