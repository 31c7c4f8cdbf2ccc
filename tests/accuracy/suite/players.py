# SPDX-License-Identifier: BSD-2-Clause
"""A player's session as packets: join, in-game traffic alternating idle and active phases over a
link with loss and stalls, address changes, map loads, and the end (goodbye, timeout, reset, or
the server stopping under it)."""
import math
from dataclasses import dataclass, field

from games import connect, game_payload, goodbye
from network import Flow, Link, periodic
from packets import ACK, FIN, ICMP4, ICMP6, RST, SYN, TCP, ethernet, icmp_port_unreachable, ip_packet

ICMP_BURST, ICMP_PER_SECOND = 6, 1.0  # Linux rate-limits ICMP errors per destination (icmp_ratelimit)


@dataclass
class Server:
    sid: str
    game: object
    port: int
    idle_gap: float = 0.0       # the server's own tick to one client while idle / active
    active_gap: float = 0.0
    rcon_port: int = 0          # TCP console port listed with the server (0: none)
    loads: list = field(default_factory=list)   # [(start, seconds)] map loads
    stop: tuple = None          # (time, restart time or None, "crash" or "shutdown") the server ends

    def spec(self):
        g = self.game
        eps = [f"{self.port}/{'tcp' if g.proto == TCP else 'udp'}"]
        eps += sorted({f"{self.port + off}/{'tcp' if proto == 'tcp_status' else 'udp'}"
                       for proto, off in g.queries if off})
        if self.rcon_port:
            eps.append(f"{self.rcon_port}/tcp")
        return f"{self.sid}={','.join(eps)}"

    def running(self, t):
        return self.stop is None or t < self.stop[0] or (self.stop[1] is not None and t >= self.stop[1])


@dataclass
class Player:
    server: Server
    ip: bytes
    port: int
    join: float
    leave: float                # end of the session as the ground truth has it
    how: str                    # clean | timeout | rst
    afk: float                  # share of time idle
    rtt: float
    loss: float = 0.0
    stalls: list = field(default_factory=list)
    roams: list = field(default_factory=list)    # [(time, gap, new ip, new port)]
    returns: dict = field(default_factory=dict)  # map load start -> (back at, new port or 0)


def _stream(sim, flow, game, srv, p, t, end, client_gap, state):
    """In-game traffic from t to end; returns the phase state at the end."""
    rng = sim.rng
    while t < end:
        share = p.afk if state == "idle" else 1 - p.afk
        seg_end = min(end, t + rng.expovariate(1 / (20 + 100 * share)))
        rates = game.idle if state == "idle" else game.active
        cgap = client_gap[state]
        sgap = srv.idle_gap if state == "idle" else srv.active_gap
        for x in periodic(rng, t, seg_end, cgap):
            at = flow.up(x, game_payload(sim, flow, game, True, rng.randint(*rates.client_size)))
            if at is not None and game.answers:
                flow.down(at + rng.uniform(0.001, 0.03),
                          game_payload(sim, flow, game, False, rng.randint(*rates.server_size)))
        for x in periodic(rng, t, seg_end, sgap, spread=0.1):
            flow.down(x, game_payload(sim, flow, game, False, rng.randint(*rates.server_size)))
        if game.keepalive:
            k = game.keepalive * math.ceil(t / game.keepalive) + p.port % 7
            while k < seg_end:
                flow.down(k, sim.payload(9))
                flow.up(k + flow.rtt(), sim.payload(9))
                k += game.keepalive
        t, state = seg_end, ("active" if state == "idle" else "idle")
    return state


def _linger(sim, flow, game, srv, t, end):
    """The server keeps sending to a client that went away, until its own timeout."""
    rng = sim.rng
    for x in periodic(rng, t, end, srv.idle_gap, spread=0.1):
        flow.down(x, game_payload(sim, flow, game, False, rng.randint(*game.idle.server_size)))


def _refuse(sim, flow, at):
    """The host's answer to a client packet for a server that is gone: RST for TCP, ICMP port
    unreachable for UDP (rate-limited per client address, as Linux does)."""
    if flow.proto == TCP:
        flow.reset(at + 0.0002, up=False)
        return
    tokens, last = sim.icmp_budget.get(flow.ip, (ICMP_BURST, at))
    tokens = min(ICMP_BURST, tokens + (at - last) * ICMP_PER_SECOND)
    if tokens >= 1:
        icmp = icmp_port_unreachable(flow.host, flow.ip, flow.last_ip)
        ip = ip_packet(flow.host, flow.ip, ICMP4 if len(flow.ip) == 4 else ICMP6, icmp, 64, 0)
        sim.add(at + 0.0002, ethernet(ip, False), False)
        tokens -= 1
    sim.icmp_budget[flow.ip] = (tokens, at)


def _after_stop(sim, flow, game, t, client_gap, kind):
    """The server process ended at t. After a shutdown the clients were told (a last message, FIN
    for TCP); after a crash they go on until they notice, each packet refused by the host. Then
    some try to reconnect, refused too."""
    rng = sim.rng
    if kind == "shutdown":
        flow.down(t, game_payload(sim, flow, game, False, rng.randint(20, 60)))
        if game.proto == TCP:
            flow.close_tcp(t + 0.001, client_first=False)
        retry_from = t + rng.uniform(3, 20)
    elif game.proto == TCP:             # the next client packet meets a reset
        at = flow.up(t + rng.uniform(0, client_gap), sim.payload(rng.randint(10, 30)))
        if at is not None:
            _refuse(sim, flow, at)
        retry_from = t + rng.uniform(2, 10)
    else:                               # the client's own timeout, every packet refused
        retry_from = t + rng.uniform(10, 30)
        for x in periodic(rng, t, retry_from, client_gap):
            at = flow.up(x, game_payload(sim, flow, game, True, rng.randint(*game.idle.client_size)))
            if at is not None:
                _refuse(sim, flow, at)
    if rng.random() < 0.5:
        return
    for x in periodic(rng, retry_from, retry_from + rng.uniform(10, 40), rng.uniform(3, 10)):
        if game.proto == TCP:
            fl = Flow(sim, flow.ip, sim.ephemeral_port(), flow.host_port, TCP, flow.link)
            at = fl.up(x, flags=SYN)
            if at is not None:
                fl.down(at + 0.0002, flags=RST | ACK)
        else:
            at = flow.up(x, b"\xff\xff\xff\xffgetchallenge" if game.header == "seq" else sim.payload(30))
            if at is not None:
                _refuse(sim, flow, at)


def play(sim, p):
    """All packets of one player's session."""
    rng, srv, game = sim.rng, p.server, p.server.game
    link = Link(rng, p.rtt, p.loss, p.stalls)
    client_gap = {s: rng.uniform(*getattr(game, s).client_gap) for s in ("idle", "active")}
    flow = Flow(sim, p.ip, p.port, srv.port, game.proto, link)
    t = max(p.join, sim.t0)
    if p.join >= sim.t0:
        t = connect(sim, flow, game, t) or t
    state = "idle" if rng.random() < p.afk else "active"
    stop = srv.stop[0] if srv.stop and srv.stop[0] >= t else None
    breaks = [(x, "roam", (gap, ip, port)) for x, gap, ip, port in p.roams]
    breaks += [(start, "load", (start + secs, *p.returns.get(start, (None, 0))))
               for start, secs in srv.loads if t < start < p.leave]
    breaks.sort(key=lambda b: b[0])
    end = min(p.leave, stop) if stop else p.leave
    for at, kind, arg in breaks:
        if at >= end:
            break
        state = _stream(sim, flow, game, srv, p, t, at, client_gap, state)
        if kind == "roam":
            gap, ip, port = arg
            nxt = Flow(sim, ip, port, srv.port, game.proto, link)
            if game.proto == TCP:           # the old connection dies; the server kicks it at re-login
                _linger(sim, flow, game, srv, at, at + gap + 1)
                flow.down(at + gap + 1, flags=FIN | ACK)
                t = connect(sim, nxt, game, at + gap) or at + gap
            else:                           # the server keeps sending until the new address talks
                _linger(sim, flow, game, srv, at, at + gap)
                t = at + gap
            flow = nxt
        else:                               # a map load: everyone quiet, then most come back
            _, back, new_port = arg
            flow.down(at, game_payload(sim, flow, game, False, rng.randint(40, 200)))
            if back is None:
                return                      # gave up during the load
            if new_port:
                flow = Flow(sim, flow.ip, new_port, srv.port, game.proto, link)
            t = connect(sim, flow, game, back) or back
    _stream(sim, flow, game, srv, p, t, end, client_gap, state)
    if stop and stop <= p.leave:
        _after_stop(sim, flow, game, stop, client_gap["idle"], srv.stop[2])
    elif p.how == "clean":
        goodbye(sim, flow, game, end)
    elif p.how == "rst" and game.proto == TCP:
        flow.reset(end, up=True)
    else:                                   # vanished: the server times it out
        gone = end + rng.uniform(*game.timeout)
        _linger(sim, flow, game, srv, end, gone)
        if game.proto == TCP:               # the server closes the connection (no reset: it is alive)
            flow.down(gone, game_payload(sim, flow, game, False, 20))
            flow.down(gone + 0.001, flags=FIN | ACK)
