# SPDX-License-Identifier: BSD-2-Clause
"""Test hosts in network namespaces that the test creates and always removes: a game host
namespace and a client namespace joined by a veth pair, with documentation-range addresses that
exist only inside them."""
import os
import shutil
import signal
import subprocess
import sys

SKIP = 77  # ctest SKIP_RETURN_CODE

SERVER_V4, SERVER_V6 = "192.0.2.1", "2001:db8::1"
CLIENT_V4 = [f"192.0.2.{i}" for i in range(11, 19)]
CLIENT_V6 = [f"2001:db8::{i:x}" for i in range(0x11, 0x15)]


def require_privileges():
    """Exit with SKIP, or fail under FLOWLENS_REQUIRE_PRIVILEGED=1, when not root."""
    if os.geteuid() == 0:
        return
    msg = "needs root (network namespaces, BPF)"
    if os.environ.get("FLOWLENS_REQUIRE_PRIVILEGED") == "1":
        print(f"FAIL: privileged test cannot run: {msg}", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {msg}")
    sys.exit(SKIP)


def daemon_dirs(work, plugin_files):
    """Makes WORK/plugins, holding copies of PLUGIN_FILES, and an empty WORK/conf.d; returns both.
    flowlensd loads a plugin only from a file and directory that no one but root can write: the
    copies hold that whatever the build tree's modes, and hold only the plugins the test names.
    WORK (0700 from TemporaryDirectory) opens to 0755 for what tests start under other users."""
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    plugins, conf = os.path.join(work, "plugins"), os.path.join(work, "conf.d")
    os.makedirs(plugins, mode=0o755)
    os.makedirs(conf)
    for path in plugin_files:
        shutil.copy(path, plugins)
        os.chmod(os.path.join(plugins, os.path.basename(path)), 0o755)
    return plugins, conf


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


class TestHosts:
    """Context manager: `srv` and `cli` namespaces, veth `dev` in srv and `peer` in cli."""

    def __init__(self, tag):
        pid = os.getpid()
        self.srv, self.cli = f"fl{tag}s{pid}", f"fl{tag}c{pid}"
        self.dev, self.peer = f"fls{pid}"[:15], f"flc{pid}"[:15]

    def __enter__(self):
        try:
            sh("ip", "netns", "add", self.srv)
            sh("ip", "netns", "add", self.cli)
            sh("ip", "link", "add", self.dev, "type", "veth", "peer", "name", self.peer)
            sh("ip", "link", "set", self.dev, "netns", self.srv)
            sh("ip", "link", "set", self.peer, "netns", self.cli)
            self.run_in(self.srv, "ip", "addr", "add", f"{SERVER_V4}/24", "dev", self.dev)
            self.run_in(self.srv, "ip", "-6", "addr", "add", f"{SERVER_V6}/64", "dev", self.dev, "nodad")
            for a in CLIENT_V4:
                self.run_in(self.cli, "ip", "addr", "add", f"{a}/24", "dev", self.peer)
            for a in CLIENT_V6:
                self.run_in(self.cli, "ip", "-6", "addr", "add", f"{a}/64", "dev", self.peer, "nodad")
            for ns, dev in ((self.srv, self.dev), (self.cli, self.peer)):
                self.run_in(ns, "ip", "link", "set", "lo", "up")
                self.run_in(ns, "ip", "link", "set", dev, "up")
                # The default route points at the veth so `flowlensd` finds it without --interface.
                self.run_in(ns, "ip", "route", "add", "default", "dev", dev)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for ns in (self.srv, self.cli):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        return False

    def run_in(self, ns, *cmd, check=True):
        return sh("ip", "netns", "exec", ns, *cmd, check=check)

    def popen_in(self, ns, *cmd, **kw):
        return subprocess.Popen(["ip", "netns", "exec", ns, *cmd], **kw)

    def tc_filters(self):
        """Every TC filter left on the game host's interface, as `tc` prints them."""
        out = ""
        for where in ("ingress", "egress"):
            out += self.run_in(self.srv, "tc", "filter", "show", "dev", self.dev, where, check=False)
        return out.strip()


# The players the end-to-end tests start: cs (27015/udp) gets 3, two behind one IPv4 address as
# behind a NAT and one over IPv6; mc (25565/tcp) gets 2, one per family.
PLAYER_MIX = (("udp", 27015, CLIENT_V4[0], SERVER_V4, 2), ("udp", 27015, CLIENT_V6[0], SERVER_V6, 1),
              ("tcp", 25565, CLIENT_V4[1], SERVER_V4, 1), ("tcp", 25565, CLIENT_V6[1], SERVER_V6, 1))
PLAYERS_EXPECTED = {"cs": 3, "mc": 2}
GAME_TRAFFIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "game_traffic.py")


def start_players(hosts, seconds, rate=25, mix=PLAYER_MIX):
    """Starts the `mix` clients (PLAYER_MIX or some of its entries) in the client namespace for
    `seconds`; returns the processes."""
    return [hosts.popen_in(hosts.cli, sys.executable, GAME_TRAFFIC, "client", "--proto", proto, "--server", dst,
                           "--port", str(port), "--source", src, "--per-source", str(n), "--rate", str(rate),
                           "--seconds", str(seconds))
            for proto, port, src, dst, n in mix]


def stop_daemon(proc, timeout):
    """SIGTERM, then wait up to `timeout` s: (exit status or a sentence, what it wrote on stderr)."""
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = f"killed after {timeout} s"
    return rc, proc.stderr.read() if proc.stderr else ""


def report(name, failures):
    """Prints the failures and the verdict; returns the exit status."""
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"{name}:", "FAILED" if failures else "passed")
    return 1 if failures else 0
