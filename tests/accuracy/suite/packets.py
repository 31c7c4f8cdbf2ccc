# SPDX-License-Identifier: BSD-2-Clause
"""Frames as a capture on the game host shows them (Ethernet, IPv4/IPv6, UDP/TCP/ICMP) and the
classic pcap file they are written to. Checksums are real so any reader accepts the frames."""
import struct

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
TCP, UDP, ICMP4, ICMP6 = 6, 17, 1, 58
HOST_MAC = bytes.fromhex("02f1000000aa")
ROUTER_MAC = bytes.fromhex("02f1000000fe")
TCP_SYN_OPTIONS = bytes.fromhex("020405b40402080a0000000000000000" "01030307")  # MSS, SACK, TS, WS


def checksum(data):
    """Internet checksum. The ones' complement sum of 16-bit words is the number mod 0xFFFF, since
    2^16 = 1 (mod 0xFFFF); one big-integer remainder is much faster than summing words in Python."""
    if len(data) % 2:
        data += b"\0"
    value = int.from_bytes(data, "big")
    total = value % 0xFFFF or (0xFFFF if value else 0)
    return ~total & 0xFFFF


def _pseudo_header(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IBBBB", length, 0, 0, 0, proto)


def udp_segment(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    c = checksum(_pseudo_header(src, dst, UDP, length) + struct.pack("!HHHH", sport, dport, length, 0) + payload)
    return struct.pack("!HHHH", sport, dport, length, c or 0xFFFF) + payload


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload=b"", window=502):
    options = TCP_SYN_OPTIONS if flags & SYN else b""
    offset = (20 + len(options)) // 4
    head = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, offset << 4, flags,
                       window, 0, 0) + options
    c = checksum(_pseudo_header(src, dst, TCP, len(head) + len(payload)) + head + payload)
    return head[:16] + struct.pack("!H", c) + head[18:] + payload


def icmp_port_unreachable(src, dst, quoted_ip_packet):
    """The host's answer to a datagram for a port nobody listens on; quotes the offending packet
    (RFC 792 for IPv4: header + 8 bytes; RFC 4443 for IPv6: as much as fits, here 48 bytes)."""
    if len(src) == 4:
        body = struct.pack("!BBHI", 3, 3, 0, 0) + quoted_ip_packet[:28]
        return body[:2] + struct.pack("!H", checksum(body)) + body[4:]
    body = struct.pack("!BBHI", 1, 4, 0, 0) + quoted_ip_packet[:48]
    c = checksum(_pseudo_header(src, dst, ICMP6, len(body)) + body)
    return body[:2] + struct.pack("!H", c) + body[4:]


def ip_packet(src, dst, proto, l4, ttl, ident):
    if len(src) == 4:
        head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident & 0xFFFF, 0x4000, ttl, proto, 0, src, dst)
        return head[:10] + struct.pack("!H", checksum(head)) + head[12:] + l4
    return struct.pack("!IHBB", 0x60000000, len(l4), proto, ttl) + src + dst + l4


def ethernet(ip, inbound):
    """Inbound frames come from the router to the host; outbound ones leave the host."""
    macs = HOST_MAC + ROUTER_MAC if inbound else ROUTER_MAC + HOST_MAC
    return macs + (b"\x08\x00" if ip[0] >> 4 == 4 else b"\x86\xdd") + ip


class PcapWriter:
    """Classic pcap, microsecond timestamps, Ethernet link type. Frames are cut at `snaplen` as
    `tcpdump -s` does (the record keeps the length on the wire): every header and the first bytes
    of each payload are what an estimator reads, and the suite's captures stay small."""

    def __init__(self, path, snaplen=65535):
        self.file, self.snaplen = open(path, "wb"), snaplen
        self.file.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))

    def write(self, ts, frame):
        usec = round(ts * 1e6)
        kept = frame[:self.snaplen]
        self.file.write(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(kept), len(frame)))
        self.file.write(kept)

    def close(self):
        self.file.close()


def write_filtered(capture, marks, out):
    """Copies the records of the pcap `capture` whose byte in `marks` is 0 to `out` (the capture
    without its bystanders, from the marks generate.py writes)."""
    with open(capture, "rb") as f:
        data = f.read()
    with open(marks, "rb") as f:
        keep = f.read()
    parts, at, n = [data[:24]], 24, 0
    while at + 16 <= len(data):
        size = 16 + struct.unpack_from("<I", data, at + 8)[0]
        if not keep[n]:
            parts.append(data[at:at + size])
        at, n = at + size, n + 1
    with open(out, "wb") as f:
        f.write(b"".join(parts))


def read_pcap(path):
    """Yields (timestamp, frame) for each record of a classic pcap file this module wrote."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise ValueError(f"{path}: not a little-endian microsecond pcap file")
    at = 24
    while at + 16 <= len(data):
        sec, usec, kept, _ = struct.unpack_from("<IIII", data, at)
        yield sec + usec / 1e6, data[at + 16:at + 16 + kept]
        at += 16 + kept


def outbound(frame):
    """True for a frame the game host sent (its MAC is the source)."""
    return frame[6:12] == HOST_MAC
