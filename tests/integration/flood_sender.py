#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A spoofed-source UDP flood for the flood test: as fast as one process can, each frame from a
different source address in 10.0.0.0/8 to PORT, written raw to an interface (no replies are
possible). Bounded by --seconds and --max-frames. Prints the frames sent and the rate.

usage: flood_sender.py IFACE DST_MAC DST_IP PORT --seconds S [--max-frames N]   (root)"""
import argparse
import socket
import struct
import time

MAX_FRAMES = 100_000_000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("dst_mac")
    ap.add_argument("dst_ip")
    ap.add_argument("port", type=int)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--max-frames", type=int, default=MAX_FRAMES)
    a = ap.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    eth = bytes.fromhex(a.dst_mac.replace(":", "")) + b"\x02\x00\x00\x00\x00\x66" + b"\x08\x00"
    dst = socket.inet_aton(a.dst_ip)
    udp = struct.pack("!HHHH", 40000, a.port, 8 + 16, 0) + b"\x7f" * 16
    # The IP header checksum is left 0: the kernel program does not check it, and nothing else
    # should accept these frames.
    head = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0)
    sent, t0 = 0, time.monotonic()
    deadline = t0 + a.seconds
    limit = min(a.max_frames, MAX_FRAMES)
    while sent < limit:
        # Checking the clock every 1024 frames keeps it out of the hot loop.
        if sent & 1023 == 0 and time.monotonic() >= deadline:
            break
        src = struct.pack("!I", (10 << 24) | (sent & 0xFFFFFF))
        try:
            s.send(eth + head + src + dst + udp)
        except OSError:
            pass  # a full device queue: drop, as a flood does
        sent += 1
    elapsed = time.monotonic() - t0
    print(f"{sent} {sent / elapsed:.0f}")


if __name__ == "__main__":
    main()
