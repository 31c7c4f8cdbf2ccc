#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Sends one direction of a capture out of an interface at the capture's own pace, through an
AF_PACKET socket, so the frames cross the TC hooks as they did on the captured host: client->server
frames are sent from the client side (they arrive on the game host's ingress), server->client
frames from the game host itself (they leave through its egress).

usage: pcap_sender.py --pcap F --iface IF --direction in|out --start MONO
  The capture is one of tests/accuracy's (the game host's MAC tells its frames apart).
  --start is a CLOCK_MONOTONIC time (time.monotonic()) at which the capture's first packet is due;
  both senders get the same value, so the two directions stay in step."""
import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "accuracy", "suite"))
from packets import outbound, read_pcap  # noqa: E402

MAX_SECONDS = 600  # a capture longer than this is not what this sender is for


def frames_for(path, direction):
    first, out = None, []
    for ts, fr in read_pcap(path):
        if first is None:
            first = ts
        if outbound(fr) == (direction == "out"):
            out.append((ts - first, fr))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--direction", choices=["in", "out"], required=True)
    ap.add_argument("--start", type=float, required=True)
    a = ap.parse_args()
    frames = frames_for(a.pcap, a.direction)
    if frames and frames[-1][0] > MAX_SECONDS:
        sys.exit(f"capture spans {frames[-1][0]:.0f} s, more than {MAX_SECONDS} s")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    late = 0
    for offset, fr in frames:
        due = a.start + offset
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        elif wait < -0.05:
            late += 1
        try:
            s.send(fr)
        except OSError as e:  # e.g. a frame larger than the veth MTU: skip it, count it
            print(f"send failed: {e}", file=sys.stderr)
    print(f"sent {len(frames)} frames ({late} more than 50 ms late)", flush=True)


if __name__ == "__main__":
    main()
