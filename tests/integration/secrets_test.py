#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""No secret is ever printed. The real daemon runs at trace level in a namespace the test creates,
with secrets inline in conf.d, in files and in environment variables: the JSON API's key, the
Prometheus token, webhook URLs holding tokens (one answering 404, one on a closed port: a failed
POST and a connection error) and an HMAC key. Every path that could show one is taken: wrong
and right keys, /health and / of both sinks, a secret file others can read (its instance fails
and /health says why), a reload refused over a secret written unquoted, check-config (valid and
invalid, conf.d and the original config.yaml), alert-test, plugins, --help. Then every output,
log and HTTP answer is searched for each secret's value.

usage: secrets_test.py FLOWLENSD PLUGIN_DIR RECEIVER"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import TestHosts, daemon_dirs, report, require_privileges, stop_daemon  # noqa: E402

API, PROM = "127.0.0.1:18080", "127.0.0.1:19110"
# Each value is distinctive, so finding it anywhere is a leak, whatever surrounds it.
SECRETS = {
    "api_key_file": "apiKeyFromFile-4a7c1e",
    "bearer_token_env": "promTokenFromEnv-9d2b6f",
    "webhook url path": "hookPathToken-3e8a5d",
    "webhook url_env path": "discordToken-7b1f0c",
    "hmac_secret": "hmacInline-5c9e2a",
    "unsafe file": "worldReadable-1f6d3b",
    "unquoted number": "86420975",
    "original api_key": "origApiKey-2d4f8a",
}

CORE = "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n  metrics_interval: 200ms\n  log_level: trace\n"
STATIC = 'plugins:\n  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}\n'
SINKS = """plugins:
  api: {{plugin: sink-jsonapi, config: {{listen: "{api}", api_key_file: {key_file}}}}}
  prom: {{plugin: sink-prometheus, config: {{listen: "{prom}", bearer_token_env: FLOWLENS_TEST_PROM_TOKEN}}}}
  unsafe: {{plugin: sink-jsonapi, config: {{listen: "127.0.0.1:18081", api_key_file: {unsafe_file}}}}}
  alerts:
    plugin: sink-webhook
    config:
      state_dir: {state}
      group_wait: 0s
      startup_grace: 0s
      rules: [{{name: blind, when: unknown}}]
      webhooks:
        - {{name: gone, format: json, url: "http://127.0.0.1:{port}/404/{hook}", hmac_secret: {hmac}, max_attempts: 1}}
        - {{name: closed, format: discord, url_env: FLOWLENS_TEST_HOOK_URL, max_attempts: 1}}
"""
BAD = "plugins:\n  api2: {plugin: sink-jsonapi, config: {listen: \"127.0.0.1:18082\", api_key: 86420975}}\n"
ORIGINAL = "interface: eth0\nserver_addr: 127.0.0.1:18083\napi_key: {key}\nlog_level: debug\n"

# Runs in the game host's namespace: one GET, prints {"status", "headers", "body"} or {"error"}.
FETCH = """
import json, sys, urllib.request, urllib.error
req = urllib.request.Request("http://" + sys.argv[1])
if len(sys.argv) > 2:
    req.add_header("Authorization", sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(json.dumps({"status": r.status, "headers": dict(r.headers), "body": r.read().decode()}))
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "headers": dict(e.headers), "body": e.read().decode()}))
except OSError as e:
    print(json.dumps({"error": str(e)}))
"""


def secret_file(path, text, mode):
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, mode)


def main():
    require_privileges()
    flowlensd, plugin_src, receiver_py = (os.path.abspath(a) for a in sys.argv[1:4])
    failures, seen = [], []  # seen: (what, text) of everything a person could read

    def run(what, *cmd, env=None, ns=None):
        r = subprocess.run((["ip", "netns", "exec", ns] if ns else []) + [flowlensd, *cmd],
                           capture_output=True, text=True, env=env, timeout=60)
        seen.append((what, r.stdout + r.stderr))
        return r

    with TestHosts("sec") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, name + ".so") for name in (
            "discovery-static", "sink-jsonapi", "sink-prometheus", "sink-webhook")])
        state = os.path.join(work, "state")
        os.makedirs(state)
        key_file, unsafe_file = os.path.join(work, "api.key"), os.path.join(work, "unsafe.key")
        secret_file(key_file, SECRETS["api_key_file"], 0o600)
        secret_file(unsafe_file, SECRETS["unsafe file"], 0o644)
        record, port_file = os.path.join(work, "hooks.jsonl"), os.path.join(work, "port")
        pins = f"/sys/fs/bpf/flowlens-test-sec-{os.getpid()}"
        env = dict(os.environ, FLOWLENS_TEST_PROM_TOKEN=SECRETS["bearer_token_env"],
                   FLOWLENS_TEST_HOOK_URL=f"http://127.0.0.1:1/api/webhooks/1/{SECRETS['webhook url_env path']}")

        receiver = hosts.popen_in(hosts.srv, sys.executable, receiver_py, "--record", record,
                                  "--port-file", port_file)
        daemon = None
        try:
            deadline = time.monotonic() + 10
            while not (os.path.exists(port_file) and open(port_file).read().strip()):
                if time.monotonic() > deadline:
                    raise RuntimeError("the webhook receiver did not start")
                time.sleep(0.05)
            port = int(open(port_file).read())

            def write(name, text):
                with open(os.path.join(conf, name), "w") as f:
                    f.write(text)

            write("10-core.yaml", CORE.format(dev=hosts.dev, plugins=plugins, pins=pins))
            write("20-static.yaml", STATIC)
            write("30-sinks.yaml", SINKS.format(api=API, prom=PROM, key_file=key_file, unsafe_file=unsafe_file,
                                                state=state, port=port, hook=SECRETS["webhook url path"],
                                                hmac=SECRETS["hmac_secret"]))
            r = run("check-config (valid)", "check-config", "--conf-dir", conf, env=env)
            if r.returncode != 0:
                failures.append(f"check-config refused the test's conf.d: {r.stdout}{r.stderr}")

            log_path = os.path.join(work, "flowlensd.log")
            with open(log_path, "w") as log:
                daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)

            def fetch(what, addr_path, authorization=None):
                args = [addr_path] + ([authorization] if authorization else [])
                answer = json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, *args))
                seen.append((what, json.dumps(answer)))
                return answer

            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and fetch("api /", API + "/").get("status") != 200:
                time.sleep(0.2)
            key, token = SECRETS["api_key_file"], SECRETS["bearer_token_env"]
            checks = [("api without a key", API + "/metrics/servers", None, 401),
                      ("api with a wrong key", API + "/metrics/servers", "Bearer not-the-key", 401),
                      ("api with its key", API + "/metrics/servers", "Bearer " + key, 200),
                      ("api /health", API + "/health", None, None),
                      ("prometheus without the token", PROM + "/metrics", None, 401),
                      ("prometheus with the token", PROM + "/metrics", "Bearer " + token, 200)]
            time.sleep(1.5)  # a few ticks: the key file was read, the alert fired
            for what, target, authorization, status in checks:
                got = fetch(what, target, authorization)
                if status is not None and got.get("status") != status:
                    failures.append(f"{what}: expected HTTP {status}, got {str(got)[:200]}")
            health = fetch("api /health", API + "/health")
            if unsafe_file + ": readable by others" not in health.get("body", ""):
                failures.append(f"/health does not say why 'unsafe' failed: {health.get('body', '')[:600]}")

            # A reload refused over a secret written unquoted (YAML makes it a number).
            write("40-bad.yaml", BAD)
            daemon.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and "reload refused (" not in open(log_path).read():
                time.sleep(0.1)
            if "reload refused (" not in open(log_path).read():
                failures.append("the reload over a number api_key was not refused")
            r = run("check-config (a number api_key)", "check-config", "--conf-dir", conf, env=env)
            if r.returncode != 1 or "api_key: expected a string" not in r.stdout + r.stderr:
                failures.append(f"check-config did not refuse the number api_key: {r.stdout}{r.stderr}")
            os.remove(os.path.join(conf, "40-bad.yaml"))

            # Wait for both webhooks' attempts (each tried once) to be logged.
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not (
                    "closed" in open(log_path).read() and os.path.exists(record)):
                time.sleep(0.2)
            rc, _ = stop_daemon(daemon, 15)
            daemon = None
            if rc != 0:
                failures.append(f"flowlensd exited {rc}")

            hooks = [json.loads(line) for line in open(record)] if os.path.exists(record) else []
            if not any(SECRETS["webhook url path"] in h["path"] for h in hooks):
                failures.append(f"the webhook with the token in its URL was never called: {hooks}")
            run("alert-test", "alert-test", "--conf-dir", conf, env=env, ns=hosts.srv)
            original = os.path.join(work, "config.yaml")
            with open(original, "w") as f:
                f.write(ORIGINAL.format(key=SECRETS["original api_key"]))
            run("check-config --config (original)", "check-config", "--config", original, "--plugin-dir", plugins)
            with open(original, "a") as f:
                f.write("metrics_interval: often\n")
            run("check-config --config (original, invalid)", "check-config", "--config", original,
                "--plugin-dir", plugins)
            run("plugins", "plugins", "--plugin-dir", plugins)
            for command in ([], ["run"], ["check-config"], ["alert-test"]):
                run(f"{' '.join(command)} --help", *command, "--help")
            seen.append(("daemon log", open(log_path).read()))
        finally:
            if daemon is not None:
                stop_daemon(daemon, 15)
            receiver.send_signal(signal.SIGTERM)
            receiver.wait(10)
            subprocess.run(["rm", "-rf", pins])

        log = dict(seen)["daemon log"]
        for want in ("listening on 127.0.0.1 port 18080", "'unsafe'", "closed", "127.0.0.1:1"):
            if want not in log:
                failures.append(f"the daemon log does not show {want!r}: the path was not taken")
        for what, text in seen:
            for name, value in SECRETS.items():
                if value in text:
                    at = text.index(value)
                    failures.append(f"{what} shows the {name} secret: ...{text[max(0, at - 120):at + 40]!r}")
        print(f"searched {len(seen)} outputs ({sum(len(t) for _, t in seen)} bytes, daemon log "
              f"{len(log.splitlines())} lines) for {len(SECRETS)} secrets; {len(hooks)} webhook calls")
    return report("secrets", failures)


if __name__ == "__main__":
    sys.exit(main())
