# SPDX-License-Identifier: BSD-2-Clause
"""The network between a client and the game host: addresses, a link with delay, jitter, loss and
stalls, and a flow that turns application sends into captured frames.

The capture is taken on the game host, so a client's packet lost or held on its way is simply
absent from the capture (or late), while everything the host sends is always captured."""
import random

from packets import ACK, FIN, PSH, RST, SYN, TCP, UDP, ethernet, ip_packet, tcp_segment, udp_segment

HOST4 = bytes([198, 51, 100, 20])
HOST6 = bytes.fromhex("20010db8002000000000000000000020")
TCP_RETRANSMIT_SECONDS = (0.2, 0.6)


class Sim:
    """One scenario's packets and its random source; `bystander` marks packets of anything that
    is not a player (crawlers, monitors, consoles, scans, floods)."""

    def __init__(self, seed, start, duration):
        self.rng = random.Random(seed)
        self.t0, self.t1 = start, start + duration
        self.packets = []
        self._pool = self.rng.randbytes(1 << 16)

    def payload(self, n):
        at = self.rng.randrange(len(self._pool) - n)
        return self._pool[at:at + n]

    def add(self, ts, frame, bystander):
        if self.t0 <= ts < self.t1:
            self.packets.append((ts, len(self.packets), frame, bystander))

    def new_ip(self, v6=False):
        r = self.rng
        if v6:
            return bytes([0x2A, 0x02, r.randrange(256), r.randrange(256)]) + r.randbytes(12)
        while True:
            first = r.randint(1, 223)
            if first not in (10, 100, 127, 169, 172, 192, 198, 203):
                return bytes([first]) + r.randbytes(3)

    def ephemeral_port(self):
        return self.rng.randint(32768, 60999)


class Link:
    """Delay, jitter, random loss and stalls (intervals in which nothing of the client arrives)."""

    def __init__(self, rng, rtt, loss=0.0, stalls=()):
        self.rng, self.rtt, self.loss = rng, rtt, loss
        self.jitter = rtt * rng.uniform(0.03, 0.15)
        self.stalls = sorted(stalls)

    def stalled(self, ts):
        return any(a <= ts < b for a, b in self.stalls)

    def stall_end(self, ts):
        return next(b for a, b in self.stalls if a <= ts < b)

    def arrival(self, ts):
        """When a client packet sent at `ts` reaches the host, or None if it is lost."""
        if self.stalled(ts) or self.rng.random() < self.loss:
            return None
        return ts + abs(self.rng.gauss(0, self.jitter))


PERFECT = None  # a Link of None: loopback-like, nothing lost or late


class Flow:
    """One client endpoint talking to one host port (TCP keeps sequence numbers). Up = client to
    host. A TCP segment the link loses is retransmitted, so it arrives late rather than never."""

    def __init__(self, sim, ip, port, host_port, proto, link=PERFECT, bystander=False):
        r = sim.rng
        self.sim, self.ip, self.port, self.host_port, self.proto = sim, ip, port, host_port, proto
        self.host = HOST4 if len(ip) == 4 else HOST6
        self.link, self.bystander = link, bystander
        self.ttl = r.choice((64, 128)) - r.randint(4, 24)
        self.ident_up, self.ident_down = r.randrange(65536), r.randrange(65536)
        self.seq_up, self.seq_down = r.getrandbits(32), r.getrandbits(32)
        self.game_seq = [r.randrange(1 << 20), r.randrange(1 << 20)]  # per direction, for game headers
        self.last_ip = b""

    def up(self, ts, payload=b"", flags=None):
        """Client sends; returns the arrival time at the host, or None when the packet is lost."""
        at = ts if self.link is None else self.link.arrival(ts)
        if at is None and self.proto == TCP:
            while at is None and ts < self.sim.t1:   # retransmitted until it gets through
                if self.link.stalled(ts):
                    ts = self.link.stall_end(ts)
                ts += self.sim.rng.uniform(*TCP_RETRANSMIT_SECONDS)
                at = self.link.arrival(ts)
        if at is None:
            return None
        self._emit(at, True, payload, flags)
        return at

    def down(self, ts, payload=b"", flags=None):
        self._emit(ts, False, payload, flags)

    def _emit(self, ts, up, payload, flags):
        src, dst = (self.ip, self.host) if up else (self.host, self.ip)
        sport, dport = (self.port, self.host_port) if up else (self.host_port, self.port)
        if self.proto == UDP:
            l4 = udp_segment(src, dst, sport, dport, payload)
        else:
            if flags is None:
                flags = ACK | (PSH if payload else 0)
            seq, ack = (self.seq_up, self.seq_down) if up else (self.seq_down, self.seq_up)
            l4 = tcp_segment(src, dst, sport, dport, seq, ack if flags & ACK else 0, flags, payload)
            advance = len(payload) + (1 if flags & (SYN | FIN) else 0)
            if up:
                self.seq_up += advance
            else:
                self.seq_down += advance
        if up:
            self.ident_up += 1
            ip = ip_packet(src, dst, self.proto, l4, self.ttl, self.ident_up)
        else:
            self.ident_down += 1
            ip = ip_packet(src, dst, self.proto, l4, 64, self.ident_down)
        self.sim.add(ts, ethernet(ip, up), self.bystander)
        self.last_ip = ip

    def connect_tcp(self, ts):
        """Three-way handshake; returns when the client may send data."""
        at = self.up(ts, flags=SYN)
        if at is None:
            return None
        self.down(at + 0.0002, flags=SYN | ACK)
        return self.up(at + self.rtt(), flags=ACK)

    def close_tcp(self, ts, client_first=True):
        if client_first:
            at = self.up(ts, flags=FIN | ACK) or ts
            self.down(at + 0.0003, flags=FIN | ACK)
            self.up(at + self.rtt(), flags=ACK)
        else:
            self.down(ts, flags=FIN | ACK)
            self.up(ts + self.rtt(), flags=FIN | ACK)
            self.down(ts + self.rtt() + 0.0003, flags=ACK)

    def reset(self, ts, up):
        (self.up if up else self.down)(ts, flags=RST | ACK)

    def rtt(self):
        return 0.0005 if self.link is None else self.link.rtt


def periodic(rng, start, end, interval, spread=0.3):
    """Times from `start` to `end` about `interval` apart (each gap varies by +-spread)."""
    out, t = [], start + rng.random() * interval
    while t < end:
        out.append(t)
        t += interval * (1 + spread * (2 * rng.random() - 1))
    return out
