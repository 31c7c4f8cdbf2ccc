#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Misbehaving plugins in the real daemon: two sinks whose every delivery fails (one reports an
error, one throws a non-exception), a discovery that publishes garbage over and over (an
empty id, a port 0, one port on two servers, 70,000 servers) and ignores the errors, and a sink
and a discovery whose own thread (an sdk::Thread) ends by an exception. The daemon keeps
running, ticking and serving the last good server list, never lists what it refused, says what
is wrong once, not once per call or per tick, and shows the two whose thread died as failed.

usage: faulty_plugins_test.py FLOWLENSD PLUGIN_DIR SINK_FAILING_SO DISCOVERY_GARBAGE_SO"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import TestHosts, daemon_dirs, report, require_privileges, stop_daemon  # noqa: E402

API = "127.0.0.1:18093"
RUN_SECONDS = 20  # the garbage takes about 7 s (longer in a sanitizer build); the rest is ticks to count lines over
CONF = {
    "10-core.yaml": "core: {{interface: {dev}, plugin_dir: {plugins}, pin_dir: {pins}, metrics_interval: 500ms, log_level: warn}}\n",
    "20-static.yaml": "plugins:\n  static:\n    plugin: discovery-static\n"
                      "    config: {{servers: [{{id: cs, endpoints: [\"27015/tcp\"]}}]}}\n",
    "30-garbage.yaml": "plugins:\n  garbage: {{plugin: discovery-garbage}}\n"
                       "  lost: {{plugin: discovery-garbage, config: {{mode: throw_on_thread}}}}\n",
    "40-api.yaml": "plugins:\n  api: {{plugin: sink-jsonapi, config: {{listen: [\"{api}\"], auth: none}}}}\n",
    "50-failing.yaml": "plugins:\n  failing: {{plugin: sink-failing, config: {{mode: error}}}}\n"
                       "  throwing: {{plugin: sink-failing, config: {{mode: throw}}}}\n"
                       "  thread: {{plugin: sink-failing, config: {{mode: throw_on_thread}}}}\n",
}

# Waits up to 10 s for the API to listen.
WAIT = """
import time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://%s/health", timeout=1)
        break
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.1)
""" % API

# Polls the API inside the namespace for `seconds`: one JSON line per answer.
POLL = """
import json, sys, time, urllib.request
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        with urllib.request.urlopen("http://%s" + sys.argv[1], timeout=5) as r:
            print(r.read().decode(), flush=True)
    except OSError as e:
        print(json.dumps({"error": str(e)}), flush=True)
    time.sleep(0.25)
""" % API


def main():
    require_privileges()
    flowlensd, plugin_src, failing, garbage = (os.path.abspath(a) for a in sys.argv[1:5])
    failures = []
    with TestHosts("flt") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, "discovery-static.so"), os.path.join(plugin_src, "sink-jsonapi.so"), failing, garbage])
        pins = f"/sys/fs/bpf/flowlens-test-flt-{os.getpid()}"
        for name, text in CONF.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text.format(dev=hosts.dev, plugins=plugins, pins=pins, api=API))
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            hosts.run_in(hosts.srv, sys.executable, "-c", WAIT)
            lists = [json.loads(line) for line in hosts.run_in(
                hosts.srv, sys.executable, "-c", POLL, "/metrics/servers", str(RUN_SECONDS)).splitlines()]
            health = json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", POLL, "/health", "0.1"))
            alive = daemon.poll() is None
        finally:
            rc, err = stop_daemon(daemon, 30)
            subprocess.run(["rm", "-rf", pins])
        if not alive:
            failures.append(f"flowlensd died under misbehaving plugins (exit {rc}):\n{err[-3000:]}")
        elif rc != 0:
            failures.append(f"exit status {rc} after SIGTERM:\n{err[-3000:]}")

        ids = [sorted(s["server_id"] for s in doc.get("servers", [])) for doc in lists]
        print("server lists seen:", sorted(set(map(tuple, ids))))
        if any("error" in doc for doc in lists) or len(lists) < RUN_SECONDS * 2:
            failures.append(f"the API did not answer every poll: {[d for d in lists if 'error' in d][:3]}")
        refused = {"", "port-zero", "g-0"}
        if any(refused & set(i) for i in ids):
            failures.append("a refused server was listed")
        if not ids or any("cs" not in i for i in ids[len(ids) // 4:]):
            failures.append("the static discovery's server vanished while another discovery misbehaved")
        if not ids or ids[-1] != ["cs", "good"]:
            failures.append(f"the garbage discovery's good list is not served at the end: {ids[-1:]}")

        lines = err.splitlines()
        print(f"{len(lines)} log lines:\n" + "\n".join(lines))

        def count(text):
            return sum(1 for line in lines if text in line)
        for text in ("servers_replace_all refused: server with empty id",
                     "servers_replace_all refused: port-zero: endpoint with port 0",
                     "updating the watched ports failed"):
            n = count(text)
            if n != 1:
                failures.append(f"'{text}' logged {n} times, expected once")
        for sink in ("failing", "throwing"):
            n = sum(1 for line in lines if "on_snapshot failed" in line and sink in line)
            if n != 1:
                failures.append(f"sink '{sink}' failing every snapshot was logged {n} times, expected once")
        # A thread that died: said once, naming the instance, the thread and the exception.
        for instance, what in (("thread", "thread 'worker' ended by an uncaught exception: the worker lost its connection"),
                               ("lost", "thread 'publisher' ended by an uncaught exception: the service it lists went away")):
            n = sum(1 for line in lines if f"[{instance}] failed: {what}" in line and "error" in line)
            if n != 1:
                failures.append(f"instance '{instance}' whose thread died was logged {n} times, expected once at error")
        if not 1 <= count("discovery: ") <= 12:
            failures.append(f"{count('discovery: ')} discovery conflict lines: expected 1 to 12 (said, and bounded)")
        if len(lines) > 32:
            failures.append(f"{len(lines)} log lines in {RUN_SECONDS} s: the daemon repeats itself:\n"
                            + "\n".join(lines[-20:]))
        by_instance = {p.get("instance"): p for p in health.get("plugins") or []}
        for sink in ("failing", "throwing"):
            p = by_instance.get(sink, {})
            if p.get("state") != "started" or not p.get("failures", 0) >= 10:
                failures.append(f"/health for sink '{sink}': {p} (expected started, failures counted)")
        for instance in ("thread", "lost"):
            p = by_instance.get(instance, {})
            if p.get("state") != "failed" or "uncaught exception" not in p.get("error", ""):
                failures.append(f"/health for '{instance}' whose thread died: {p} (expected failed, with the error)")
        # Still ticking at the end: the estimator and the sinks' deliveries went on.
        age = health.get("last_tick_age_seconds")
        if age is None or age > 2:
            failures.append(f"last tick {age} s ago at the end: the daemon stopped ticking")
        if not by_instance.get("failing", {}).get("failures", 0) >= RUN_SECONDS:
            failures.append("the failing sink was not given a snapshot every tick to the end")
        if failures:
            print("log:\n" + "\n".join(lines[:80]), file=sys.stderr)
    return report("faulty plugins", failures)


if __name__ == "__main__":
    sys.exit(main())
