#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end with a real dockerd: game traffic from a client namespace through a veth to a port
that a container publishes -> flowlensd (discovery-docker, sink-jsonapi) -> the JSON API shows
the container's server with the right player count; after `docker rm -f` the server is gone.

dockerd runs in the game host's namespace (entered with nsenter --net=: `ip netns exec` remounts
/sys and breaks dockerd) on its own socket, data root and exec root. The container's game server
is fixtures/echo_server.c, built static by this test and imported as the whole image.

usage: docker_e2e_test.py FLOWLENSD PLUGIN_DIR"""
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from netns import (CLIENT_V4, SERVER_V4, SKIP, TestHosts, daemon_dirs, report,  # noqa: E402
                   require_privileges, stop_daemon)

TRAFFIC = os.path.join(HERE, "..", "integration", "game_traffic.py")
PLAY_SECONDS = 30
API, TOKEN = "127.0.0.1:18090", "docker-e2e-token"
LABEL = "flowlens.test=docker-e2e"
IMAGE = "flowlens-echo:1"
EXPECT_PLAYERS = 3  # two clients behind one address + one on another

FETCH = """
import json, sys, urllib.request, urllib.error
req = urllib.request.Request("http://%s" + sys.argv[1])
req.add_header("Authorization", "Bearer %s")
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(json.dumps({"status": r.status, "body": json.loads(r.read().decode())}))
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "body": None}))
""" % (API, TOKEN)


def unavailable():
    for tool in ("dockerd", "docker", "nsenter", "gcc", "tar"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/install-deps.sh --test installs it)"
    return ""


def die_with_parent():
    # A test killed by its timeout must not leave dockerd running (kept across exec).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Dockerd:
    def __init__(self, netns, root):
        self.netns, self.root = netns, root
        self.sock = os.path.join(root, "docker.sock")
        self.proc = None

    def docker(self, *args, check=True):
        r = subprocess.run(["docker", "-H", "unix://" + self.sock, *args], capture_output=True, text=True,
                           timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    def start(self):
        log = open(os.path.join(self.root, "dockerd.log"), "ab")
        self.proc = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{self.netns}", "dockerd", "--host", "unix://" + self.sock,
             "--data-root", os.path.join(self.root, "data"), "--exec-root", os.path.join(self.root, "exec"),
             "--pidfile", os.path.join(self.root, "dockerd.pid"), "--iptables=false", "--ip6tables=false",
             "--storage-driver=vfs"], stdout=log, stderr=log, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run(["docker", "-H", "unix://" + self.sock, "version"], capture_output=True,
                              timeout=60).returncode == 0:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        with open(os.path.join(self.root, "dockerd.log")) as f:
            raise RuntimeError("dockerd did not start: " + f.read()[-2000:])

    def stop(self):
        if self.proc is None:
            return
        self.docker("rm", "-f", *self.docker("ps", "-aq", check=False).split(), check=False)
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        # dockerd can leave namespace and overlay mounts under its roots: detach them, deepest first.
        with open("/proc/mounts") as f:
            mounts = [line.split()[1] for line in f if line.split()[1].startswith(self.root + "/")]
        for m in sorted(mounts, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)


def main():
    require_privileges()
    why = unavailable()
    if why:
        if os.environ.get("FLOWLENS_REQUIRE_PRIVILEGED") == "1":
            print(f"FAIL: privileged test cannot run: {why}", file=sys.stderr)
            return 1
        print(f"SKIP: {why}")
        return SKIP
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    failures = []
    work = f"/tmp/fl-dke-{os.getpid()}"  # short: the docker socket path must fit in 108 bytes
    os.makedirs(work, mode=0o755)
    try:
        with TestHosts("dke") as hosts:
            dockerd = Dockerd(hosts.srv, work)
            try:
                run(hosts, dockerd, work, flowlensd, plugin_src, failures)
            finally:
                dockerd.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report("docker_e2e", failures)


def start_flowlensd(hosts, dockerd, work, flowlensd, plugin_src, failures):
    """Builds the image, starts dockerd and flowlensd; returns flowlensd's process, or None."""
    image = os.path.join(work, "image")
    os.makedirs(image)
    subprocess.run(["gcc", "-static", "-O2", "-o", os.path.join(image, "echo"),
                    os.path.join(HERE, "fixtures", "echo_server.c")], check=True)
    dockerd.start()
    tar = subprocess.Popen(["tar", "-C", image, "-cf", "-", "."], stdout=subprocess.PIPE)
    subprocess.run(["docker", "-H", "unix://" + dockerd.sock, "import", "-c", 'ENTRYPOINT ["/echo"]', "-",
                    IMAGE], stdin=tar.stdout, check=True, capture_output=True)
    tar.wait()

    plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, so) for so in ("discovery-docker.so", "sink-jsonapi.so")])
    pins = f"/sys/fs/bpf/flowlens-test-dke-{os.getpid()}"
    files = {
        "10-core.yaml": f"core:\n  interface: {hosts.dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n",
        "20-docker.yaml": "plugins:\n  docker:\n    plugin: discovery-docker\n    config:\n"
                          f"      docker_host: unix://{dockerd.sock}\n"
                          f"      labels: {{flowlens.test: docker-e2e}}\n"
                          "      server_id_source: name\n      grace_period: 0\n",
        "30-api.yaml": f"plugins:\n  api:\n    plugin: sink-jsonapi\n    config: {{listen: [\"{API}\"], "
                       f"api_key: {TOKEN}}}\n",
    }
    for name, text in files.items():
        with open(os.path.join(conf, name), "w") as f:
            f.write(text)
    check = subprocess.run([flowlensd, "check-config", "--conf-dir", conf], capture_output=True, text=True)
    if check.returncode != 0:
        failures.append(f"check-config rejected the test config: {check.stdout}{check.stderr}")
        return None
    daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    if daemon.poll() is not None:
        raise RuntimeError(f"flowlensd exited at start: {daemon.stderr.read()}")
    return daemon


def run(hosts, dockerd, work, flowlensd, plugin_src, failures):
    daemon = start_flowlensd(hosts, dockerd, work, flowlensd, plugin_src, failures)
    if daemon is None:
        return

    def servers():
        out = json.loads(hosts.run_in(hosts.srv, sys.executable, "-c", FETCH, "/metrics/servers"))
        if out["status"] != 200:
            return None
        return {s["server_id"]: s for s in out["body"]["servers"]}

    def wait_for(pred, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            s = servers()
            if s is not None and pred(s):
                return s
            time.sleep(0.2)
        return servers()

    try:
        dockerd.docker("run", "-d", "--name", "cs2", "-l", LABEL, "-l", "game=cs2", "-p", "27015:27015/udp",
                       IMAGE, "27015/udp")
        dockerd.docker("run", "-d", "--name", "unlabelled", "-p", "27017:27017/udp", IMAGE, "27017/udp")
        seen = wait_for(lambda s: "cs2" in s, 10)
        if not seen or "cs2" not in seen:
            failures.append(f"the container's server never reached the JSON API: {seen}")
            return
        if "unlabelled" in seen:
            failures.append("a container without the selected label is in the JSON API")
        labels = seen["cs2"].get("labels") or {}
        if labels.get("game") != "cs2" or labels.get("docker.state") != "running":
            failures.append(f"the container's labels did not reach the JSON API: {seen['cs2']}")

        clients = [hosts.popen_in(hosts.cli, sys.executable, TRAFFIC, "client", "--proto", "udp", "--server",
                                  SERVER_V4, "--port", "27015", "--source", src, "--per-source", str(n),
                                  "--rate", "25", "--seconds", str(PLAY_SECONDS))
                   for src, n in ((CLIENT_V4[0], 2), (CLIENT_V4[1], 1))]
        time.sleep(18)
        counts = []
        for _ in range(5):
            s = servers() or {}
            counts.append(s.get("cs2", {}).get("active_players"))
            time.sleep(1.2)
        for c in clients:
            c.wait(PLAY_SECONDS + 20)
        print("cs2 players while playing:", counts)
        if sum(1 for c in counts if c == EXPECT_PLAYERS) < 4:
            failures.append(f"cs2: expected {EXPECT_PLAYERS} players in >= 4 of 5 API answers, got {counts}")

        removed_at = time.monotonic()
        dockerd.docker("rm", "-f", "cs2")
        gone = wait_for(lambda s: "cs2" not in s, 10)
        if gone is None or "cs2" in gone:
            failures.append(f"cs2 still in the JSON API 10 s after docker rm -f: {gone}")
        else:
            print(f"cs2 gone from the JSON API {time.monotonic() - removed_at:.2f} s after docker rm -f")
    finally:
        rc, err = stop_daemon(daemon, 15)
        if rc != 0:
            failures.append(f"flowlensd exit status {rc} after SIGTERM; stderr tail:\n" +
                            "\n".join(err.splitlines()[-20:]))


if __name__ == "__main__":
    sys.exit(main())
