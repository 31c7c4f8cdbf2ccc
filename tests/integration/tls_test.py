#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The JSON API over TLS, on the real daemon in a namespace the test creates, with certificates
the test makes itself (openssl CLI): an HTTPS request verified against the test's own CA-less
self-signed certificate, plain HTTP to the TLS port answered with a plain 400 saying so. A renewal:
a new certificate and key renamed into place are not served until the SIGHUP an operator sends
(`systemctl reload`), and then are, by fingerprint from a real handshake, while a connection
opened before keeps working on the same listener. A key that does not match and then a
certificate that cannot be read, each followed by a SIGHUP: refused with the instance and the
file named, once, the previous certificate still served, and a good pair after them served again.
A missing certificate fails the instance's start naming the file. Prints the handshake time.

usage: tls_test.py FLOWLENSD PLUGIN_DIR"""
import hashlib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import TestHosts, daemon_dirs, report, require_privileges, stop_daemon  # noqa: E402

API = "127.0.0.1:18443"
KEY = "tlsTestApiKey-61c0"
CORE = "core:\n  interface: {dev}\n  plugin_dir: {plugins}\n  pin_dir: {pins}\n  metrics_interval: 200ms\n"
CONF = """plugins:
  static: {{plugin: discovery-static, config: {{servers: [{{id: cs, endpoints: ["27015/udp"]}}]}}}}
  api:
    plugin: sink-jsonapi
    config:
      listen: "{api}"
      api_key: {key}
      tls: {{cert_file: {cert}, key_file: {key_file}}}
  broken:
    plugin: sink-jsonapi
    config:
      listen: "127.0.0.1:18444"
      auth: none
      tls: {{cert_file: {work}/missing.pem, key_file: {key_file}}}
"""

# Runs in the game host's namespace. argv: CA file, then commands; prints one JSON line per command:
#   get PATH            a fresh HTTPS connection: {"status", "body", "cn", "handshake_ms"}
#   keep PATH           the same on one kept connection (opened by the first keep)
#   plain PATH          plain HTTP to the TLS port: {"answer": first bytes, "closed": bool}
#   handshakes N        N fresh handshakes: {"median_ms", "p90_ms"}
#   fp -                a handshake that trusts anything: {"fp": SHA-256 of the served certificate}
CLIENT = r"""
import hashlib, http.client, json, socket, ssl, statistics, sys, time
host, port = sys.argv[1].split(":")
ca = sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
anything = ssl.create_default_context()
anything.check_hostname = False
anything.verify_mode = ssl.CERT_NONE
kept = None
def cn(sock):
    cert = sock.getpeercert()
    return dict(x[0] for x in cert["subject"])["commonName"]
def get(conn, path):
    conn.request("GET", path, headers={"Authorization": "Bearer @KEY@"})
    r = conn.getresponse()
    return {"status": r.status, "body": r.read().decode(), "cn": cn(conn.sock)}
for line in sys.stdin:
    cmd, arg = line.split()
    try:
        if cmd == "get":
            t0 = time.perf_counter()
            conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=5)
            conn.connect()
            ms = (time.perf_counter() - t0) * 1000
            out = get(conn, arg)
            out["handshake_ms"] = ms
            conn.close()
        elif cmd == "keep":
            if kept is None:
                kept = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=5)
            out = get(kept, arg)
        elif cmd == "plain":
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % arg).encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            out = {"answer": data.decode(errors="replace"), "closed": True}
        elif cmd == "handshakes":
            times = []
            for _ in range(int(arg)):
                t0 = time.perf_counter()
                with socket.create_connection((host, int(port)), timeout=5) as raw:
                    with ctx.wrap_socket(raw, server_hostname=host):
                        times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out = {"median_ms": statistics.median(times), "p90_ms": times[int(len(times) * 0.9) - 1]}
        elif cmd == "fp":
            with socket.create_connection((host, int(port)), timeout=5) as raw:
                with anything.wrap_socket(raw) as tls:
                    out = {"fp": hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()}
    except Exception as e:
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out), flush=True)
""".replace("@KEY@", KEY)


def make_pair(work, name):
    """A self-signed certificate for 127.0.0.1 (CN = name) and its key (mode 0600)."""
    cert, key = os.path.join(work, name + ".pem"), os.path.join(work, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


def fingerprint(cert):
    """SHA-256 of the certificate file's DER form, as a handshake shows it."""
    with open(cert) as f:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()


def reload(daemon, log_path, conf):
    """SIGHUP, then waits (5 s at most) for the reload's closing line; returns the log."""
    closing = f"reloaded {conf}: "
    before = open(log_path).read().count(closing)
    daemon.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = open(log_path).read()
        if log.count(closing) > before:
            return log
        time.sleep(0.05)
    return open(log_path).read()


def install(src, dst):
    """Copies src over dst the way a renewal does: a new file renamed into place."""
    tmp = dst + ".new"
    shutil.copy(src, tmp)
    os.chmod(tmp, 0o600)
    os.rename(tmp, dst)


class Client:
    def __init__(self, hosts, ca):
        self.proc = hosts.popen_in(hosts.srv, sys.executable, "-c", CLIENT, API, ca,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


def main():
    require_privileges()
    flowlensd, plugin_src = (os.path.abspath(a) for a in sys.argv[1:3])
    failures = []
    with TestHosts("tls") as hosts, tempfile.TemporaryDirectory() as work:
        plugins, conf = daemon_dirs(work, [os.path.join(plugin_src, name + ".so")
                                           for name in ("discovery-static", "sink-jsonapi")])
        cert_a, key_a = make_pair(work, "flowlens-a")
        cert_b, key_b = make_pair(work, "flowlens-b")
        cert, key_file = os.path.join(work, "api.pem"), os.path.join(work, "api.key")
        install(cert_a, cert)
        install(key_a, key_file)
        pins = f"/sys/fs/bpf/flowlens-test-tls-{os.getpid()}"
        with open(os.path.join(conf, "10-core.yaml"), "w") as f:
            f.write(CORE.format(dev=hosts.dev, plugins=plugins, pins=pins))
        with open(os.path.join(conf, "30-api.yaml"), "w") as f:
            f.write(CONF.format(api=API, key=KEY, cert=cert, key_file=key_file, work=work))
        log_path = os.path.join(work, "flowlensd.log")
        log_file = open(log_path, "w")
        daemon = hosts.popen_in(hosts.srv, flowlensd, "run", "--conf-dir", conf, stdout=log_file,
                                stderr=subprocess.STDOUT)
        client_a = client_b = None
        try:
            client_a = Client(hosts, cert_a)
            deadline = time.monotonic() + 20
            first = {}
            while time.monotonic() < deadline:
                first = client_a.ask("get /metrics/servers")
                if first.get("status") == 200:
                    break
                time.sleep(0.2)
            print("HTTPS with certificate A:", {k: first.get(k) for k in ("status", "cn", "handshake_ms", "error")})
            if first.get("status") != 200 or first.get("cn") != "flowlens-a":
                failures.append(f"no verified HTTPS answer with certificate A: {first}")
            hs = client_a.ask("handshakes 50")
            print(f"TLS handshake (TCP connect + TLS 1.3, P-256), 50 fresh connections: median "
                  f"{hs.get('median_ms', 0):.2f} ms, p90 {hs.get('p90_ms', 0):.2f} ms")
            kept = client_a.ask("keep /health")
            plain = client_a.ask("plain /metrics/servers")
            print("plain HTTP to the TLS port:", plain)
            if not plain.get("answer", "").startswith("HTTP/1.1 400") or "this port speaks HTTPS" not in plain.get("answer", ""):
                failures.append(f"plain HTTP to the TLS port was not answered with a plain 400: {plain}")

            # A renewal: a new pair renamed into place, served once the operator sends SIGHUP.
            install(cert_b, cert)
            install(key_b, key_file)
            served = client_a.ask("fp -").get("fp")
            if served != fingerprint(cert_a):
                failures.append("the renewed pair was served before the SIGHUP that says it is ready")
            log = reload(daemon, log_path, conf)
            served = client_a.ask("fp -").get("fp")
            print(f"served after the renewal and SIGHUP: {served[:16] if served else None}..., "
                  f"certificate B: {fingerprint(cert_b)[:16]}...")
            if served != fingerprint(cert_b):
                failures.append(f"after SIGHUP the renewed certificate is not served: {served}")
            client_b = Client(hosts, cert_b)
            renewed = client_b.ask("get /metrics/servers")
            if renewed.get("status") != 200 or renewed.get("cn") != "flowlens-b":
                failures.append(f"a new connection after the renewal did not get certificate B: {renewed}")
            again = client_a.ask("keep /health")
            if "status" not in again or kept.get("cn") != "flowlens-a":
                failures.append(f"the connection opened before the renewal broke: {kept} then {again}")
            if log.count("listening on 127.0.0.1 port 18443") != 1:
                failures.append("the TLS listener was opened again (dropped) across the renewal")
            if f"TLS certificate {cert} and key {key_file} re-read: new connections use them" not in log:
                failures.append(f"the renewal was not logged: {log[-800:]}")

            # Bad pairs, each followed by a SIGHUP: a key that does not match, then a certificate
            # that cannot be read. Each refused, said once, and certificate B still served.
            prefix = "plugin instance 'api' could not re-read its files: "
            keep = "; still serving the previous certificate"
            mismatch = (f"{prefix}tls.key_file: {key_file}: does not match the certificate in "
                        f"tls.cert_file {cert}{keep}")
            unreadable = f"{prefix}tls.cert_file: {cert}: cannot open: No such file or directory{keep}"
            install(key_a, key_file)
            reload(daemon, log_path, conf)
            os.remove(cert)
            log = reload(daemon, log_path, conf)
            for step, why in (("a mismatched key", mismatch), ("an unreadable certificate", unreadable)):
                print(f"{step}, logged {log.count(why)} time(s): {why}")
                if log.count(why) != 1:
                    failures.append(f"{step} was not refused naming the file exactly once "
                                    f"({log.count(why)} times): {log[-1200:]}")
            served = client_b.ask("fp -").get("fp")
            kept_b = client_b.ask("get /metrics/servers")
            if served != fingerprint(cert_b) or kept_b.get("status") != 200:
                failures.append(f"after refused pairs certificate B is not served: {served} {kept_b}")
            again = client_a.ask("keep /health")
            if "status" not in again:
                failures.append(f"the connection opened first broke during the refused pairs: {again}")

            # A good pair again: served at the next SIGHUP.
            install(cert_a, cert)
            install(key_a, key_file)
            reload(daemon, log_path, conf)
            served = client_a.ask("fp -").get("fp")
            back = client_a.ask("get /health")
            if served != fingerprint(cert_a) or back.get("status") != 200:
                failures.append(f"a good pair after the refused ones was not served: {served} {back}")
            log = open(log_path).read()
            missing = f"tls.cert_file: {work}/missing.pem: cannot open: No such file or directory"
            if missing not in log:
                failures.append(f"the instance with a missing certificate did not fail naming it: {log[-800:]}")
            if daemon.poll() is not None:
                failures.append(f"flowlensd exited: {daemon.returncode}")
        finally:
            for c in (client_a, client_b):
                if c:
                    c.close()
            rc, _ = stop_daemon(daemon, 15)
            if rc != 0:
                failures.append(f"flowlensd exited {rc}")
            subprocess.run(["rm", "-rf", pins])
    return report("tls", failures)


if __name__ == "__main__":
    sys.exit(main())
