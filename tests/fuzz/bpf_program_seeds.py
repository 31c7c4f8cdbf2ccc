#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the seed corpus of the bpf_program target (tests/fuzz/corpus/bpf_program/): short
conversations with the ports bpf_program_fuzzer.cpp watches (27015/udp, 25565/tcp, 7777 both,
65535/tcp) and with ports it does not, over IPv4 and IPv6, tagged, refused and truncated. Each
input is records of a control byte (bit 0: egress), a 16-bit big-endian length and the frame.
  tests/fuzz/bpf_program_seeds.py [DIR]"""
import ipaddress
import os
import struct
import sys

IN, OUT = 0, 1
UDP, TCP, ICMP, ICMP6 = 17, 6, 1, 58
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
A2S_INFO = b"\xff\xff\xff\xffTSource Engine Query\x00"
# Minecraft status handshake (protocol 765, "localhost", port 25565, next state 1).
MC_STATUS = b"\x10\x00\xfd\x05\x09localhost\x63\xdd\x01"


def l4(proto, sport, dport, payload=b"", flags=0):
    if proto == UDP:
        return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, flags, 0xFFFF, 0, 0) + payload


def ipv4(src, dst, proto, body):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, proto, 0,
                       ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed) + body


def ipv6(src, dst, proto, body, ext=b""):
    head = struct.pack("!IHBB16s16s", 0x60000000, len(ext) + len(body), proto, 64,
                       ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed)
    return head + ext + body


def eth(l3, v6=False, tags=()):
    head = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
    for tpid, vid in tags:
        head += struct.pack("!HH", tpid, vid)
    return head + struct.pack("!H", 0x86DD if v6 else 0x0800) + l3


def v4(client, cport, sport, proto, direction, payload=b"", flags=0):
    if direction == IN:
        return eth(ipv4(client, "198.51.100.1", proto, l4(proto, cport, sport, payload, flags)))
    return eth(ipv4("198.51.100.1", client, proto, l4(proto, sport, cport, payload, flags)))


def v6(client, cport, sport, proto, direction, payload=b"", flags=0, hop_by_hop=False):
    body = l4(proto, cport, sport, payload, flags) if direction == IN else l4(
        proto, sport, cport, payload, flags)
    src, dst = (client, "2001:db8::1") if direction == IN else ("2001:db8::1", client)
    ext = bytes([proto, 0, 1, 4, 0, 0, 0, 0]) if hop_by_hop else b""  # PadN option, 8 bytes
    return eth(ipv6(src, dst, 0 if hop_by_hop else proto, body, ext), v6=True)


def record(direction, frame):
    return struct.pack("!BH", direction, len(frame)) + frame


def seeds():
    c4, c6 = "192.0.2.10", "2001:db8::10"
    yield "udp4_query_and_reply", [
        (IN, v4(c4, 40000, 27015, UDP, IN, A2S_INFO)),
        (OUT, v4(c4, 40000, 27015, UDP, OUT, b"x" * 60)),
        (IN, v4(c4, 40000, 27015, UDP, IN, b"move" * 10))]
    yield "udp6_both_protocols_port", [
        (IN, v6(c6, 40001, 7777, UDP, IN, b"hello")),
        (IN, v6(c6, 40001, 7777, UDP, IN, b"again")),
        (IN, v6(c6, 40002, 7777, TCP, IN, flags=SYN)),
        (OUT, v6(c6, 40002, 7777, TCP, OUT, flags=SYN | ACK))]
    yield "tcp4_session_and_fin", [
        (IN, v4(c4, 50000, 25565, TCP, IN, flags=SYN)),
        (OUT, v4(c4, 50000, 25565, TCP, OUT, flags=SYN | ACK)),
        (IN, v4(c4, 50000, 25565, TCP, IN, MC_STATUS, flags=PSH | ACK)),
        (IN, v4(c4, 50000, 25565, TCP, IN, flags=FIN | ACK))]
    yield "tcp6_highest_port_rst", [
        (IN, v6(c6, 50001, 65535, TCP, IN, flags=SYN)),
        (OUT, v6(c6, 50001, 65535, TCP, OUT, flags=RST))]
    yield "unwatched_ports", [
        (IN, v4(c4, 40000, 25565, UDP, IN, b"udp to a tcp port")),
        (IN, v4(c4, 40000, 25565, UDP, IN)),
        (IN, v4(c4, 40000, 27015, TCP, IN, flags=SYN)),
        (IN, v4(c4, 40000, 27015, TCP, IN, flags=ACK)),
        (IN, v6(c6, 40000, 65534, TCP, IN, flags=SYN)),
        (IN, v6(c6, 40000, 65534, TCP, IN, flags=ACK)),
        (OUT, v4(c4, 27015, 40000, UDP, OUT, b"server port is the client's"))]
    l3 = ipv4(c4, "198.51.100.1", UDP, l4(UDP, 40003, 27015, b"tagged"))
    qinq = eth(l3, tags=((0x88A8, 100), (0x8100, 200)))
    yield "vlan_qinq_udp4", [(IN, qinq), (IN, qinq), (IN, eth(l3, tags=((0x8100, 7),)))]
    yield "udp6_extension_headers", [
        (IN, v6(c6, 40004, 27015, UDP, IN, b"ext", hop_by_hop=True)),
        (IN, v6(c6, 40004, 27015, UDP, IN, b"ext", hop_by_hop=True))]
    quoted = ipv4(c4, "198.51.100.1", UDP, l4(UDP, 40005, 27015, b"abcd"))
    refusal = eth(ipv4("198.51.100.1", c4, ICMP, b"\x03\x03\x00\x00\x00\x00\x00\x00" + quoted))
    yield "icmp4_refusal", [
        (IN, v4(c4, 40005, 27015, UDP, IN)), (IN, v4(c4, 40005, 27015, UDP, IN)),
        (OUT, refusal), (IN, refusal)]
    full = v4(c4, 40006, 27015, UDP, IN, b"truncated")
    full6 = v6(c6, 40006, 25565, TCP, IN, flags=SYN)
    # The kernel's test run refuses an untagged IP frame shorter than its IP header; behind a tag
    # any cut reaches the program.
    tagged = eth(ipv4(c4, "198.51.100.1", UDP, l4(UDP, 40006, 27015, b"truncated")),
                 tags=((0x8100, 5),))
    yield "truncated", [(IN, full[:13]), (IN, full[:36]), (IN, full[:41]), (IN, full),
                        (IN, tagged[:20]), (IN, tagged[:40]), (IN, tagged),
                        (IN, full6[:70]), (OUT, full6[:60]), (IN, full6)]


def replay_differences():
    """Frames on which replay's parser once differed from the kernel program."""
    c4, c6 = "192.0.2.10", "2001:db8::10"
    other_version = bytearray(v4(c4, 40020, 27015, UDP, IN, b"version 5"))
    other_version[14] = 0x55
    yield "ipv4_other_version", [(IN, bytes(other_version)), (IN, bytes(other_version))]
    # Destination options of 512 bytes (two PadN options) put the query past byte 511.
    pad = bytes([60, 63, 1, 254]) + bytes(254) + bytes([1, 252]) + bytes(252)
    deep = eth(ipv6(c6, "2001:db8::1", 60, l4(UDP, 40021, 27015, A2S_INFO),
                    bytes([UDP]) + pad[1:]), v6=True)
    yield "udp6_query_past_offset_bound", [(IN, deep), (IN, deep)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus",
                                                               "bpf_program")
    os.makedirs(out, exist_ok=True)
    for name, frames in list(seeds()) + list(replay_differences()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"".join(record(d, fr) for d, fr in frames))


if __name__ == "__main__":
    main()
