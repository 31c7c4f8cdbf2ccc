#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The .deb packages as an operator meets them. cpack builds flowlens and flowlens-dev from this
build tree (twice, the second as a newer version); dpkg installs them; they hold the expected
files, conf.d is marked as conffiles and Depends comes from the libraries; the installed daemon
runs on the shipped defaults (in a network namespace the test creates) with its APIs on loopback
only; the unit passes `systemd-analyze verify` silently and is enabled. An edited conffile, a file
of the operator's own and a `systemctl disable` survive the upgrade; remove keeps the conffiles,
purge deletes them. Everything is purged at the end, and the test fails if the host is not as it
was before.

usage: deb_test.py BUILD_DIR SOURCE_DIR"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from netns import TestHosts, report, require_privileges, stop_daemon  # noqa: E402
from host_state import PACKAGES, difference, package_status, refusal, snapshot  # noqa: E402

CONF_DIR = "/etc/flowlens/conf.d"
UNIT = "/usr/lib/systemd/system/flowlensd.service"
WANTS = "/etc/systemd/system/multi-user.target.wants/flowlensd.service"
EDITED = f"{CONF_DIR}/30-sink-jsonapi.yaml"  # the operator moves the JSON API to another port
LOCAL = f"{CONF_DIR}/50-local.yaml"  # and adds a file of their own


def run(*cmd, check=True, timeout=180):
    r = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def build_debs(build, out, version):
    """cpack -G DEB from the build tree: {package name: .deb path}."""
    run("cpack", "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", out, "-R", version,
        timeout=600)
    return {run("dpkg-deb", "-f", deb, "Package").stdout.strip(): deb for deb in glob.glob(f"{out}/*.deb")}


def listed(package):
    """The files (not directories) dpkg says the package installed."""
    return {p for p in run("dpkg", "-L", package).stdout.split("\n") if p and not os.path.isdir(p)}


def field(package, name):
    return run("dpkg-query", "-W", f"-f=${{{name}}}", package).stdout.strip()


def check_files(build, source, failures):
    shipped_conf = {f"{CONF_DIR}/{os.path.basename(p)}" for p in glob.glob(f"{source}/conf.d/*.yaml")}
    plugins = {f"/usr/lib/flowlens/plugins/{os.path.basename(p)}" for p in glob.glob(f"{build}/plugins/*.so")}
    expected = shipped_conf | plugins | {"/usr/sbin/flowlensd", UNIT, "/usr/share/man/man8/flowlensd.8.gz",
                                         "/usr/share/doc/flowlens/README.md", "/usr/share/doc/flowlens/copyright"}
    files = listed("flowlens")
    for missing in sorted(expected - files):
        failures.append(f"dpkg -L flowlens: no {missing}")
    for stray in sorted(files - expected):
        failures.append(f"dpkg -L flowlens: unexpected {stray} (if it belongs in the package, expect it here)")
    dev = listed("flowlens-dev")
    for want in ("/usr/include/flowlens/plugin.h", "/usr/lib/cmake/FlowLensSDK/FlowLensSDKConfig.cmake",
                 "/usr/lib/cmake/FlowLensSDK/FlowLensPlugin.cmake"):
        if want not in dev:
            failures.append(f"dpkg -L flowlens-dev: no {want}")
    for stray in sorted(p for p in dev if not p.startswith(("/usr/include/flowlens/", "/usr/lib/cmake/FlowLensSDK/",
                                                            "/usr/share/doc/"))):
        failures.append(f"dpkg -L flowlens-dev: unexpected {stray}")

    conffiles = {line.split()[0] for line in field("flowlens", "Conffiles").split("\n") if line.strip()}
    if conffiles != shipped_conf:
        failures.append(f"conffiles are {sorted(conffiles)}, expected every shipped conf.d file {sorted(shipped_conf)}")
    depends = field("flowlens", "Depends")
    for lib in ("libc6", "libbpf1", "libstdc++6"):
        if lib not in depends:
            failures.append(f"flowlens Depends has no {lib} (shlibdeps): {depends}")
    if "libboost-json" not in field("flowlens-dev", "Depends"):
        failures.append(f"flowlens-dev Depends has no libboost-json: {field('flowlens-dev', 'Depends')}")
    print(f"dpkg -L: flowlens {len(files)} files ({len(plugins)} plugins), flowlens-dev {len(dev)} files; "
          f"{len(conffiles)} conffiles; Depends: {depends}")
    return {os.path.basename(p)[:-3] for p in plugins}


def check_installed_daemon(plugin_names, failures):
    """The installed flowlensd finds the installed plugins and conf.d by default."""
    r = run("/usr/sbin/flowlensd", "plugins", check=False)
    for name in sorted(plugin_names):
        if name not in r.stdout:
            failures.append(f"`flowlensd plugins` does not list {name}: {r.stdout}{r.stderr}")
    r = run("/usr/sbin/flowlensd", "check-config", check=False)
    if r.returncode != 0:
        failures.append(f"`flowlensd check-config` on the shipped conf.d: exit {r.returncode}: {r.stdout}{r.stderr}")


def http_get_in(hosts, url):
    code = ("import sys, urllib.request\n"
            f"print(urllib.request.urlopen({url!r}, timeout=2).read().decode())")
    return run("ip", "netns", "exec", hosts.srv, sys.executable, "-c", code, check=False, timeout=10)


def check_defaults_run(failures):
    """`flowlensd run` with nothing but the installed files, as the unit starts it, in a namespace:
    only the pin directory differs, since bpffs is shared with the host."""
    pin_dir = f"/sys/fs/bpf/flowlens-test-deb-{os.getpid()}"
    with TestHosts("deb") as hosts:
        daemon = hosts.popen_in(hosts.srv, "/usr/sbin/flowlensd", "run", "--pin-dir", pin_dir,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            body, deadline = None, time.monotonic() + 20
            while body is None and daemon.poll() is None and time.monotonic() < deadline:
                r = http_get_in(hosts, "http://127.0.0.1:8080/metrics/servers")
                body = r.stdout if r.returncode == 0 else None
                time.sleep(0.3)
            if body is None:
                failures.append(f"JSON API on 127.0.0.1:8080 never answered (daemon exit {daemon.poll()})")
                return
            ids = {s["server_id"] for s in json.loads(body)["servers"]}
            if "minecraft" not in ids:
                failures.append(f"shipped discovery-static servers missing from the JSON API: {sorted(ids)}")
            listeners = hosts.run_in(hosts.srv, "ss", "-Hltun").split("\n")
            exposed = [line for line in listeners
                       if line.strip() and not any(f" {a}:" in line for a in ("127.0.0.1", "[::1]"))]
            if exposed:
                failures.append(f"shipped defaults listen beyond loopback: {exposed}")
            print(f"flowlensd on the installed defaults: {len(ids)} servers on the JSON API; listening: "
                  + "; ".join(" ".join(line.split()[4:5]) for line in listeners if line.strip()))
        finally:
            rc, err = stop_daemon(daemon, 15)
            subprocess.run(["rm", "-rf", pin_dir])
            if rc != 0:
                failures.append(f"flowlensd on the shipped defaults exited {rc}: {err}")


def check_unit(failures):
    r = run("systemd-analyze", "verify", UNIT, check=False)
    if r.returncode != 0 or r.stderr.strip():
        failures.append(f"systemd-analyze verify {UNIT}: exit {r.returncode}, stderr: {r.stderr.strip()}")
    if not os.path.islink(WANTS):
        failures.append(f"fresh install did not enable the unit: no {WANTS}")


def upgrade_keeps_edits(debs_v2, failures):
    with open(EDITED) as f:
        edited = f.read().replace("127.0.0.1:8080", "127.0.0.1:8081")
    with open(EDITED, "w") as f:
        f.write(edited)
    with open(LOCAL, "w") as f:
        f.write("core: {log_level: debug}\n")
    run("systemctl", "disable", "flowlensd.service")

    run("dpkg", "-i", *debs_v2.values())
    if "t2" not in field("flowlens", "Version"):
        failures.append(f"upgrade did not install the new version: {field('flowlens', 'Version')}")
    if open(EDITED).read() != edited:
        failures.append(f"upgrade lost the edit to {EDITED}")
    if not os.path.exists(LOCAL):
        failures.append(f"upgrade removed the operator's {LOCAL}")
    leftovers = glob.glob(f"{CONF_DIR}/*.dpkg-*")
    if leftovers:
        failures.append(f"upgrade over an unchanged shipped file left {leftovers}")
    if os.path.lexists(WANTS):
        failures.append("upgrade enabled the unit again after `systemctl disable`")
    return edited


def remove_then_purge(edited, failures):
    run("dpkg", "-r", *PACKAGES)
    if os.path.exists("/usr/sbin/flowlensd"):
        failures.append("dpkg -r left /usr/sbin/flowlensd")
    if not os.path.exists(EDITED) or open(EDITED).read() != edited:
        failures.append(f"dpkg -r did not keep the edited conffile {EDITED}")
    run("dpkg", "-P", *PACKAGES)
    remains = [p for p in glob.glob(f"{CONF_DIR}/*") if p != LOCAL]
    if remains:
        failures.append(f"dpkg -P left conffiles: {remains}")
    if not os.path.exists(LOCAL):
        failures.append(f"dpkg -P deleted {LOCAL}, which the operator wrote and no package owns")
    links = glob.glob("/etc/systemd/system/**/flowlensd.service", recursive=True)
    if links:
        failures.append(f"dpkg -P left unit links or masks: {links}")


def user_exists(name):
    return subprocess.run(["getent", "passwd", name], capture_output=True).returncode == 0


def check_user(created, failures):
    """postinst made the system user core.user can name, with no login, in docker when that
    group exists (and only when postinst created the user)."""
    r = run("getent", "passwd", "flowlens", check=False)
    if r.returncode != 0:
        failures.append("postinst did not create the flowlens user")
        return
    uid, shell = int(r.stdout.split(":")[2]), r.stdout.strip().split(":")[6]
    if uid >= 1000 or not shell.endswith("nologin"):
        failures.append(f"flowlens is not a system user without login: {r.stdout.strip()}")
    docker = subprocess.run(["getent", "group", "docker"], capture_output=True, text=True)
    groups = run("id", "-nG", "flowlens").stdout.split()
    if created and docker.returncode == 0 and "docker" not in groups:
        failures.append(f"the docker group exists but flowlens is not in it: {groups}")


def clean_up():
    """Whatever a failure left behind: the packages and the operator's file the test wrote."""
    installed = [p for p in PACKAGES if package_status(p)]
    if installed:
        subprocess.run(["dpkg", "-P", *installed], capture_output=True, stdin=subprocess.DEVNULL)
    for p in (LOCAL, CONF_DIR, os.path.dirname(CONF_DIR)):
        if os.path.isdir(p):
            subprocess.run(["rmdir", p], capture_output=True)
        elif os.path.exists(p):
            os.remove(p)


def main():
    require_privileges()
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    why_not = refusal()
    if why_not:
        print(f"FAIL: {why_not}; remove it to run this test", file=sys.stderr)
        return 1
    before = snapshot()
    had_user = user_exists("flowlens")
    failures = []
    try:
        with tempfile.TemporaryDirectory() as out:
            t0 = time.monotonic()
            debs_v1 = build_debs(build, os.path.join(out, "v1"), "0.0.0+t1")
            debs_v2 = build_debs(build, os.path.join(out, "v2"), "0.0.0+t2")
            print(f"cpack: {sorted(debs_v1)} twice in {time.monotonic() - t0:.1f} s")
            if set(debs_v1) != set(PACKAGES):
                return report("deb_package", [f"cpack made {sorted(debs_v1.values())}, expected {PACKAGES}"])
            run("dpkg", "-i", *debs_v1.values())
            check_user(not had_user, failures)
            plugin_names = check_files(build, source, failures)
            check_installed_daemon(plugin_names, failures)
            check_defaults_run(failures)
            check_unit(failures)
            edited = upgrade_keeps_edits(debs_v2, failures)
            remove_then_purge(edited, failures)
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
        failures.append(str(e))
    finally:
        clean_up()
        if not had_user:  # the package keeps it on purge; the test leaves the host as it was
            subprocess.run(["userdel", "flowlens"], capture_output=True)
            subprocess.run(["groupdel", "flowlens"], capture_output=True)
    changed = difference(before, snapshot())
    if changed:
        failures.append("the host differs from before the test:\n  " + "\n  ".join(changed))
    return report("deb_package", failures)


if __name__ == "__main__":
    sys.exit(main())
