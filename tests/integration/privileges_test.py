#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What flowlensd holds once it runs, read from /proc/PID/task/*/status of every thread: after
attaching it keeps only CAP_NET_ADMIN (attaching again), plus CAP_BPF on kernels that want it for
every bpf() call and CAP_NET_BIND_SERVICE while a plugin listens below 1024; bounding, inheritable
and ambient sets are empty and no_new_privs is set. It still counts real players, attaches again
when its interface is deleted and created again, applies a SIGHUP reload that starts and stops a
plugin, and detaches on SIGTERM. Once as root, once with core.user set to a user (and group) the
test creates and removes, which must also own the state directory. A core.user that does not
exist is refused naming file:line.

usage: privileges_test.py FLOWLENSD PLUGIN_DIR"""
import json
import os
import platform
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import GAME_TRAFFIC, PLAYER_MIX, TestHosts, report, require_privileges, start_players, \
    stop_daemon  # noqa: E402

CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF = 10, 12, 21, 39
PLAYERS = PLAYER_MIX[:1]  # two players on cs (27015/udp) behind one address
FETCH = """
import sys, urllib.request
try:
    with urllib.request.urlopen("http://" + sys.argv[1], timeout=5) as r:
        print(r.status, r.read().decode())
except OSError as e:
    print("error", e)
"""


UNIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "flowlensd.service")


def as_the_unit_starts_it():
    """setpriv with the unit's CapabilityBoundingSet: root without CAP_DAC_OVERRIDE and friends."""
    with open(UNIT) as f:
        caps = next(l.split("=", 1)[1].split() for l in f if l.startswith("CapabilityBoundingSet="))
    names = ",".join("+" + c.lower().removeprefix("cap_") for c in caps)
    return ["setpriv", f"--bounding-set=-all,{names}", "--inh-caps=-all"]


def bpf_wants_capability():
    """Before 6.5 the kernel checks CAP_BPF on every bpf() call when unprivileged BPF is off."""
    with open("/proc/sys/kernel/unprivileged_bpf_disabled") as f:
        disabled = f.read().strip() != "0"
    major, minor = (int(x) for x in platform.release().split(".")[:2])
    return disabled and (major, minor) < (6, 5)


def threads_status(pid):
    """{tid: {field: value}} of every thread of `pid`."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            out[tid] = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return out


def check_status(pid, kept, uid, gids, failures, what):
    want_caps = {"CapEff": kept, "CapPrm": kept, "CapInh": 0, "CapAmb": 0, "CapBnd": 0}
    statuses = threads_status(pid)
    first = next(iter(statuses.values()))
    print(f"{what}: " + ", ".join(f"{k} {first[k]}" for k in want_caps) +
          f", NoNewPrivs {first['NoNewPrivs']}, Uid {first['Uid']}, Groups {first['Groups']} "
          f"({len(statuses)} threads)")
    for tid, st in statuses.items():
        for key, want in want_caps.items():
            if int(st[key], 16) != want:
                failures.append(f"{what}: thread {tid} ({st['Name']}) {key} {st[key]}, expected {want:016x}")
        if st["NoNewPrivs"] != "1":
            failures.append(f"{what}: thread {tid} NoNewPrivs {st['NoNewPrivs']}")
        if st["Uid"].split() != [str(uid)] * 4:
            failures.append(f"{what}: thread {tid} Uid {st['Uid']}, expected {uid} four times")
        if gids is not None and set(st["Groups"].split()) != {str(g) for g in gids}:
            failures.append(f"{what}: thread {tid} Groups '{st['Groups']}', expected {sorted(gids)}")


def wait_for(ticks, predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ticks and predicate(ticks[-1]):
            return True
        time.sleep(0.1)
    return False


def verdicts(log):
    return [l for l in log.text().splitlines() if "reloaded " in l or "reload refused (" in l]


def hup_and_wait(daemon, log, seconds=15):
    """SIGHUP; waits for the reload's verdict line and returns it (None if none came)."""
    before = len(verdicts(log))
    daemon.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = verdicts(log)
        if len(lines) > before:
            return lines[before]
        time.sleep(0.1)
    return None


class Log(threading.Thread):
    """Collects stderr while the daemon runs (the pipe must not fill)."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []

    def run(self):
        for line in self.stream:
            self.lines.append(line)

    def text(self):
        return "".join(self.lines)


def exercise(hosts, flowlensd, plugins, work, user, failures):
    """One daemon run: status, players, re-attach, reload, clean exit. `user`: (name, uid, gids)
    or None for root. As root the JSON API listens on port 80 from the start; as the user it is
    added by a reload on 8081."""
    what = f"as {user[0]}" if user else "as root"
    conf = os.path.join(work, "conf-" + (user[0] if user else "root"))
    os.makedirs(conf)
    os.chmod(conf, 0o755)
    core = "core:\n  metrics_interval: 200ms\n" + (f"  user: {user[0]}\n" if user else "")
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write(core + "estimator: {warmup_seconds: 1}\n")
    api = 'plugins:\n  api: {plugin: sink-jsonapi, config: {listen: "127.0.0.1:%d", auth: none}}\n'
    if not user:
        with open(os.path.join(conf, "30-api.yaml"), "w") as f:
            f.write(api % 80)
    pins = f"/sys/fs/bpf/flowlens-test-priv-{os.getpid()}"
    env = dict(os.environ)
    state = os.path.join(work, "state")
    if user:
        # State a root run left behind, unreadable by anyone else: the user must get all of it.
        os.makedirs(os.path.join(state, "old"), mode=0o700)
        for p in (os.path.join(state, "sink-webhook-alerts"), os.path.join(state, "old", "file")):
            with open(p, "w") as f:
                f.write("[]\n")
            os.chmod(p, 0o600)
        os.chmod(state, 0o700)
        env["STATE_DIRECTORY"] = state
    server = hosts.popen_in(hosts.srv, sys.executable, GAME_TRAFFIC, "serve", "--udp", "27015", "--seconds", "60",
                            stdout=subprocess.PIPE, text=True)
    # As root from a shell, and as the unit starts it for the user run.
    prefix = as_the_unit_starts_it() if user else []
    daemon = hosts.popen_in(hosts.srv, *prefix, flowlensd, "run", "--conf-dir", conf, "--plugin-dir", plugins,
                            "--pin-dir", pins, "--interface", hosts.dev, "--server", "cs=27015/udp", "--jsonl",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    log = Log(daemon.stderr)
    log.start()
    ticks = []

    def read():
        for line in daemon.stdout:
            ticks.append(json.loads(line)["servers"][0])
    threading.Thread(target=read, daemon=True).start()
    try:
        assert server.stdout.readline().strip() == "ready", "game server did not start"
        if not wait_for(ticks, lambda s: True, 15):
            raise RuntimeError(f"{what}: no tick within 15 s:\n{log.text()}")
        kept = 1 << CAP_NET_ADMIN
        if bpf_wants_capability():
            kept |= 1 << CAP_BPF
        if not user:
            kept |= 1 << CAP_NET_BIND_SERVICE
        check_status(daemon.pid, kept, user[1] if user else 0, user[2] if user else None, failures, what)

        players = start_players(hosts, 8, mix=PLAYERS)
        if not wait_for(ticks, lambda s: s["active_players"] == 2, 12):
            failures.append(f"{what}: the two players were not counted: {ticks[-3:]}")
        for p in players:
            p.wait(15)

        hosts.run_in(hosts.srv, "ip", "link", "del", hosts.dev)
        if not wait_for(ticks, lambda s: not s["known"], 5):
            failures.append(f"{what}: a deleted interface must read unknown: {ticks[-3:]}")
        hosts.run_in(hosts.srv, "ip", "link", "add", hosts.dev, "type", "veth", "peer", "name", hosts.dev[:14] + "p")
        hosts.run_in(hosts.srv, "ip", "link", "set", hosts.dev, "up")
        if not wait_for(ticks, lambda s: s["known"], 5):
            failures.append(f"{what}: not attached again after the interface came back: {ticks[-3:]}\n"
                            f"{log.text()[-1500:]}")

        def fetch(port):
            return hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, f"127.0.0.1:{port}/metrics/servers",
                                check=False)
        port = 80
        if user:
            port = 8081
            with open(os.path.join(conf, "30-api.yaml"), "w") as f:
                f.write(api % port)
            verdict = hup_and_wait(daemon, log)
            if not verdict or "started 'api'" not in verdict:
                failures.append(f"{what}: a reload adding the JSON API: {verdict}\n{log.text()[-1500:]}")
        got = fetch(port)
        if not got.startswith("200 ") or '"cs"' not in got:
            failures.append(f"{what}: GET :{port}/metrics/servers answered {got!r}")
        os.remove(os.path.join(conf, "30-api.yaml"))
        verdict = hup_and_wait(daemon, log)
        if not verdict or "stopped 'api'" not in verdict or not fetch(port).startswith("error"):
            failures.append(f"{what}: a reload removing the JSON API: {verdict}; port {port}: {fetch(port)!r}")
        if user:
            for p in (state, os.path.join(state, "sink-webhook-alerts"), os.path.join(state, "old", "file")):
                if os.stat(p).st_uid != user[1]:
                    failures.append(f"{what}: {p} is owned by uid {os.stat(p).st_uid}, not the user's")
        if "running as " + (user[0] if user else "root") not in log.text():
            failures.append(f"{what}: the log does not say who the daemon runs as:\n{log.text()[-1500:]}")
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            rc = "killed after 15 s"
        server.kill()
        server.wait()
        subprocess.run(["rm", "-rf", pins])
    if rc != 0:
        failures.append(f"{what}: exit status {rc} after SIGTERM:\n{log.text()[-2000:]}")
    if hosts.tc_filters():
        failures.append(f"{what}: TC filters left after exit (detaching failed):\n{hosts.tc_filters()}")


def check_missing_user(flowlensd, work, failures):
    conf = os.path.join(work, "conf-missing")
    os.makedirs(conf)
    with open(os.path.join(conf, "10-core.yaml"), "w") as f:
        f.write("core:\n  user: flowlens-no-such-user\n")
    for cmd in (["check-config"], ["run", "--jsonl", "--server", "cs=27015/udp"]):
        r = subprocess.run([flowlensd, *cmd, "--conf-dir", conf], capture_output=True, text=True, timeout=30)
        where = os.path.join(conf, "10-core.yaml") + ":2:"
        if r.returncode == 0 or where not in r.stderr or "no user 'flowlens-no-such-user'" not in r.stderr:
            failures.append(f"{cmd[0]} with a missing core.user: exit {r.returncode}, expected {where} in:\n{r.stderr}")


def main():
    require_privileges()
    flowlensd, built_plugins = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failures = []
    name, group = f"fltest{os.getpid()}"[:31], f"fltestg{os.getpid()}"[:31]
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        # Where the user can read them when a reload loads one.
        plugins = os.path.join(work, "plugins")
        os.makedirs(plugins, mode=0o755)
        shutil.copy(os.path.join(built_plugins, "sink-jsonapi.so"), plugins)
        os.chmod(os.path.join(plugins, "sink-jsonapi.so"), 0o755)
        check_missing_user(flowlensd, work, failures)
        try:
            subprocess.run(["groupadd", "--system", group], check=True, capture_output=True)
            subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", "--groups", group, name], check=True, capture_output=True)
            pw = pwd.getpwnam(name)
            extra = int(subprocess.run(["getent", "group", group], capture_output=True, text=True,
                                       check=True).stdout.split(":")[2])
            for user in (None, (name, pw.pw_uid, {pw.pw_gid, extra})):
                with TestHosts("prv") as hosts:
                    exercise(hosts, flowlensd, plugins, work, user, failures)
        except (RuntimeError, subprocess.CalledProcessError, AssertionError) as e:
            failures.append(str(e))
        finally:
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
            subprocess.run(["groupdel", group], capture_output=True)
    return report("privileges", failures)


if __name__ == "__main__":
    sys.exit(main())
