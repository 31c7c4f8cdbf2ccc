#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Real game-like traffic for the end-to-end tests: servers that answer every packet and clients
that keep a steady two-way exchange, each bounded in time and rate.

  game_traffic.py serve  --udp PORT [--udp PORT] --tcp PORT [--tcp PORT] --seconds N
  game_traffic.py client --proto udp|tcp --server ADDR --port P --source ADDR [--source ADDR]
                         [--per-source K] --rate PPS --seconds N
"""
import argparse
import selectors
import socket
import sys
import threading
import time

MAX_RATE = 200  # packets/s per client: enough to look like a game, never a load test


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(args):
    sel = selectors.DefaultSelector()
    deadline = time.monotonic() + args.seconds
    for port in args.udp:
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            sel.register(s, selectors.EVENT_READ, "udp")
    for port in args.tcp:
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            s.listen(64)
            sel.register(s, selectors.EVENT_READ, "listen")
    print("ready", flush=True)
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            sock = key.fileobj
            if key.data == "udp":
                data, peer = sock.recvfrom(2048)
                sock.sendto(data * 2, peer)  # the server answers, as a game server does
            elif key.data == "listen":
                conn, _ = sock.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "tcp")
            else:
                try:
                    data = sock.recv(4096)
                except ConnectionError:
                    data = b""
                if not data:
                    sel.unregister(sock)
                    sock.close()
                else:
                    sock.sendall(data * 2)


def one_client(args, source, errors):
    deadline = time.monotonic() + args.seconds
    step = 1.0 / min(args.rate, MAX_RATE)
    payload = b"\x01" * 48
    try:
        if args.proto == "udp":
            s = socket.socket(family(args.server), socket.SOCK_DGRAM)
            s.bind((source, 0))
            s.settimeout(0.05)
            while time.monotonic() < deadline:
                s.sendto(payload, (args.server, args.port))
                try:
                    s.recvfrom(2048)
                except socket.timeout:
                    pass
                time.sleep(step)
        else:
            s = socket.socket(family(args.server), socket.SOCK_STREAM)
            s.bind((source, 0))
            s.settimeout(2)
            s.connect((args.server, args.port))
            while time.monotonic() < deadline:
                s.sendall(payload)
                s.recv(4096)
                time.sleep(step)
            s.shutdown(socket.SHUT_RDWR)  # a clean leave: FIN
        s.close()
    except OSError as e:
        errors.append(f"{args.proto} client from {source}: {e}")


def client(args):
    errors, threads = [], []
    for source in args.source:
        for _ in range(args.per_source):
            t = threading.Thread(target=one_client, args=(args, source, errors))
            t.start()
            threads.append(t)
    for t in threads:
        t.join(args.seconds + 10)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--udp", type=int, action="append", default=[])
    s.add_argument("--tcp", type=int, action="append", default=[])
    s.add_argument("--seconds", type=float, required=True)
    c = sub.add_parser("client")
    c.add_argument("--proto", choices=["udp", "tcp"], required=True)
    c.add_argument("--server", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--source", action="append", required=True)
    c.add_argument("--per-source", type=int, default=1)
    c.add_argument("--rate", type=float, default=20)
    c.add_argument("--seconds", type=float, required=True)
    a = ap.parse_args()
    return serve(a) if a.cmd == "serve" else client(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
