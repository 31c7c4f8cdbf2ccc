#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""HTTP clients for the load test, run inside the test's namespace; each prints one JSON summary.

  slowloris HOST PORT --connections N --seconds S
      holds N connections open, each sending a request header one byte a second and never ending
      it; a connection the server closes is opened again (at most MAX_OPENS_PER_SLOT times per
      slot). Reports how long each lived before the server closed it.
  steady HOST PORT PATH --seconds S --timeout T --pause P
      one request at a time, a new connection each, as a monitoring client does: status and
      latency of every request (a timeout or an error is recorded as such, never retried)."""
import argparse
import json
import selectors
import socket
import sys
import time
import urllib.error
import urllib.request

HEADER = b"GET /metrics/servers HTTP/1.1\r\nHost: flowlens\r\nX-Slow: "
MAX_OPENS_PER_SLOT = 50  # bounds the total connections: N * 50 over the whole run


def slowloris(a):
    sel = selectors.DefaultSelector()
    lifetimes, refused, answered, opens = [], 0, 0, 0
    slots = {}  # socket -> [opened at, bytes of HEADER sent, opens of this slot]
    deadline = time.monotonic() + a.seconds

    def open_one(count):
        nonlocal opens
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((a.host, a.port))
        slots[s] = [time.monotonic(), 0, count]
        sel.register(s, selectors.EVENT_READ)
        opens += 1

    for _ in range(a.connections):
        open_one(1)
    next_byte = time.monotonic()
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            opened, _, count = slots.pop(s)
            sel.unregister(s)
            s.close()
            if data.startswith(b"HTTP/1.1 503"):
                refused += 1
            elif data:
                answered += 1  # the server answered an unfinished request (408 or the like)
            lifetimes.append(time.monotonic() - opened)
            if count < MAX_OPENS_PER_SLOT:
                open_one(count + 1)
        if time.monotonic() >= next_byte:
            next_byte += 1.0
            for s, slot in slots.items():
                # The fixed start once, then one byte of a header value that never ends.
                chunk = HEADER[slot[1]:slot[1] + 1] if slot[1] < len(HEADER) else b"a"
                try:
                    s.send(chunk)
                    slot[1] += 1
                except OSError:
                    pass  # not connected yet, or reset: select reports it
    now = time.monotonic()
    still_open = sorted((now - slot[0] for slot in slots.values()), reverse=True)
    for s in list(slots):
        s.close()
    print(json.dumps({"opened": opens, "closed_by_server": len(lifetimes), "refused_503": refused,
                      "answered": answered, "max_lifetime": max(lifetimes, default=0),
                      "min_lifetime": min(lifetimes, default=0), "open_at_end": len(still_open),
                      "oldest_open_at_end": still_open[0] if still_open else 0}))


def steady(a):
    results = []
    deadline = time.monotonic() + a.seconds
    url = f"http://{a.host}:{a.port}{a.path}"
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=a.timeout) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError as e:
            status = f"{type(e).__name__}: {e}"
        results.append({"status": status, "seconds": time.monotonic() - t0})
        time.sleep(a.pause)
    print(json.dumps(results))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("slowloris")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("--connections", type=int, required=True)
    s.add_argument("--seconds", type=float, required=True)
    t = sub.add_parser("steady")
    t.add_argument("host")
    t.add_argument("port", type=int)
    t.add_argument("path")
    t.add_argument("--seconds", type=float, required=True)
    t.add_argument("--timeout", type=float, default=5)
    t.add_argument("--pause", type=float, default=0.25)
    a = ap.parse_args()
    if not (0 < getattr(a, "connections", 1) <= 2000 and 0 < a.seconds <= 24 * 3600):
        sys.exit("connections 1..2000, seconds up to a day")
    {"slowloris": slowloris, "steady": steady}[a.cmd](a)


if __name__ == "__main__":
    main()
