# SPDX-License-Identifier: BSD-2-Clause
"""Everything that talks to a game server without playing: server-list crawlers and monitors with
each game's status-query protocol, admin consoles, port scans and floods. None is ever a player."""
import struct

from games import RAKNET_MAGIC
from network import HOST4, Flow, periodic
from packets import ACK, RST, SYN, TCP, UDP, ICMP4, ethernet, icmp_port_unreachable, ip_packet, udp_segment

FF4 = b"\xff\xff\xff\xff"
A2S_INFO = FF4 + b"TSource Engine Query\x00"
GAMESPY1_KEYS = (b"\\status\\", b"\\info\\", b"\\basic\\", b"\\players\\", b"\\rules\\", b"\\echo\\nonce")


def _reply(sim, flow, at, prefix, lo, hi):
    if at is not None:
        flow.down(at + sim.rng.uniform(0.0002, 0.005), prefix + sim.payload(sim.rng.randint(lo, hi)))
    return at


def query(sim, srv, protocol, flow, t, n):
    """One status query of `protocol` on `flow` at t; n counts the queries this client made."""
    rng = sim.rng
    if protocol == "a2s":            # A2S_INFO answered by a challenge, then again with it
        at = _reply(sim, flow, flow.up(t, A2S_INFO), FF4 + b"A", 4, 4)
        if at is not None:
            _reply(sim, flow, flow.up(at + flow.rtt(), A2S_INFO + rng.randbytes(4)), FF4 + b"I", 80, 400)
        if n % 3 == 0:
            _reply(sim, flow, flow.up(t + 3 * flow.rtt(), FF4 + b"U" + rng.randbytes(4)), FF4 + b"D", 20, 900)
    elif protocol in ("q3_getstatus", "q3_getinfo"):
        word = protocol[3:].encode()
        answer = b"statusResponse\n" if word == b"getstatus" else b"infoResponse\n"
        _reply(sim, flow, flow.up(t, FF4 + word + b" " + str(n).encode() + b"\n"), FF4 + answer, 100, 900)
    elif protocol == "gamespy1":
        key = GAMESPY1_KEYS[n % len(GAMESPY1_KEYS)]
        at = _reply(sim, flow, flow.up(t, key), b"\\gamename\\", 100, 900)
        if at is not None and key == b"\\status\\":
            flow.down(at + 0.002, b"\\player_0\\" + sim.payload(rng.randint(50, 400)) + b"\\final\\")
    elif protocol == "gamespy2":     # FE FD 00, a request id, which blocks: server, players, teams
        _reply(sim, flow, flow.up(t, b"\xfe\xfd\x00" + struct.pack("!I", n) + b"\xff\xff\xff"),
               b"\x00" + struct.pack("!I", n), 100, 1000)
    elif protocol == "gamespy3":     # challenge (FE FD 09), then the full query with it
        at = _reply(sim, flow, flow.up(t, b"\xfe\xfd\x09" + struct.pack("!I", n)),
                    b"\x09" + struct.pack("!I", n), 6, 10)
        if at is not None:
            _reply(sim, flow, flow.up(at + flow.rtt(), b"\xfe\xfd\x00" + struct.pack("!I", n) + rng.randbytes(4)
                                      + b"\xff\xff\xff\x01"), b"\x00" + struct.pack("!I", n), 300, 1300)
    elif protocol == "raknet":       # unconnected ping (0x01, or 0x02 for open connections only)
        ping = bytes([1 if n % 4 else 2]) + struct.pack("!Q", int(t * 1000)) + RAKNET_MAGIC + rng.randbytes(8)
        _reply(sim, flow, flow.up(t, ping), b"\x1c" + struct.pack("!Q", int(t * 1000)) + rng.randbytes(8)
               + RAKNET_MAGIC, 80, 160)
    else:                            # TCP status: a connection per query (mc_status, tcp_status)
        _tcp_status(sim, srv, protocol, flow, t)


def _tcp_status(sim, srv, protocol, flow, t):
    """Minecraft's server-list ping (handshake with next state 1, status, ping/pong) or a generic
    status request, each on a fresh connection the server closes."""
    rng = sim.rng
    port = srv.port + dict(srv.game.queries).get(protocol, 0)
    fl = Flow(sim, flow.ip, flow.port, port, TCP, flow.link, bystander=True)
    flow.port = flow.port + 1 if flow.port < 60999 else 32768   # the next query's ephemeral port
    at = fl.connect_tcp(t)
    if at is None:
        return
    if protocol == "mc_status":
        host = b"mc.example.org"
        hs = b"\x00\xfd\x05" + bytes([len(host)]) + host + struct.pack("!H", port) + b"\x01"
        at = fl.up(at, bytes([len(hs)]) + hs + b"\x01\x00")
        fl.down(at + 0.002, sim.payload(rng.randint(150, 1400)))
        at = fl.up(at + fl.rtt(), b"\x09\x01" + rng.randbytes(8))
        fl.down(at + 0.0005, b"\x09\x01" + rng.randbytes(8))
        fl.close_tcp(at + 0.001, client_first=False)
    else:
        at = fl.up(at, sim.payload(rng.randint(20, 40)))
        fl.down(at + 0.002, sim.payload(rng.randint(200, 600)))
        fl.close_tcp(at + 0.003, client_first=False)


def _client(sim, srv, protocol, v6=False):
    proto = TCP if protocol in ("mc_status", "tcp_status") else UDP
    port = srv.port + dict(srv.game.queries).get(protocol, 0)
    return Flow(sim, sim.new_ip(v6), sim.ephemeral_port(), port, proto, bystander=True)


def crawlers(sim, srv, heavy, medium, oneoff):
    """Server-list crawlers: a few every 3-10 s, more every 30-90 s, many once."""
    rng = sim.rng
    for kind, count, lo, hi in (("heavy", heavy, 3, 10), ("medium", medium, 30, 90), ("oneoff", oneoff, 0, 0)):
        for _ in range(count):
            protocol = rng.choice(srv.game.queries)[0]
            flow = _client(sim, srv, protocol, rng.random() < 0.1)
            if kind == "oneoff":
                times = [rng.uniform(sim.t0, sim.t1)]
            else:
                every = rng.uniform(lo, hi)
                times = periodic(rng, sim.t0 - every * rng.random(), sim.t1, every)
            for n, t in enumerate(times):
                query(sim, srv, protocol, flow, t, n)


def monitors(sim, srv, every, protocols=None):
    """Monitoring pollers: one per protocol of the server (or those given), each polling every
    `every` seconds from one port for the whole capture."""
    rng = sim.rng
    for protocol, _ in srv.game.queries:
        if protocols and protocol not in protocols:
            continue
        flow = _client(sim, srv, protocol)
        for n, t in enumerate(periodic(rng, sim.t0 - every * rng.random(), sim.t1, every, spread=0.02)):
            query(sim, srv, protocol, flow, t, n)


def rcon_console(sim, srv, every=(5, 25)):
    """An admin console on the server's TCP console port: a command every few seconds."""
    rng = sim.rng
    fl = Flow(sim, sim.new_ip(), sim.ephemeral_port(), srv.rcon_port or srv.port, TCP, bystander=True)
    t = fl.connect_tcp(sim.t0 + rng.uniform(0, 40))
    while t < sim.t1:
        fl.up(t, sim.payload(rng.randint(20, 60)))
        fl.down(t + 0.02, sim.payload(rng.randint(50, 900)))
        fl.up(t + 0.06, b"")
        t += rng.uniform(*every)


def port_scan(sim, servers):
    """A SYN scan of 1000 ports from one address; listening TCP ports answer SYN-ACK, others RST."""
    rng = sim.rng
    open_tcp = {int(ep.split("/")[0]) for s in servers for ep in s.spec().split("=")[1].split(",")
                if ep.endswith("/tcp")}
    ip, sport, t = sim.new_ip(), rng.randint(30000, 65000), rng.uniform(sim.t0 + 20, sim.t1 - 30)
    ports = rng.sample(range(1, 65536), 1000) + sorted(open_tcp)
    rng.shuffle(ports)
    gap = 1 / rng.uniform(150, 800)
    for port in ports:
        fl = Flow(sim, ip, sport, port, TCP, bystander=True)
        fl.up(t, flags=SYN)
        if port in open_tcp:
            fl.down(t + 0.0002, flags=SYN | ACK)
            fl.up(t + 0.03, flags=RST)
        else:
            fl.down(t + 0.0002, flags=RST | ACK)
        t += gap


def udp_scan(sim, servers):
    """UDP probes of 300 ports and the game ports; closed ports answer ICMP port unreachable."""
    rng = sim.rng
    open_udp = {int(ep.split("/")[0]) for s in servers for ep in s.spec().split("=")[1].split(",")
                if ep.endswith("/udp")}
    ip, sport, t = sim.new_ip(), rng.randint(30000, 65000), rng.uniform(sim.t0 + 20, sim.t1 - 30)
    ports = rng.sample(range(1, 65536), 300) + sorted(open_udp)
    rng.shuffle(ports)
    for port in ports:
        l4 = udp_segment(ip, HOST4, sport, port, sim.payload(rng.randint(0, 40)))
        probe = ip_packet(ip, HOST4, UDP, l4, 50, rng.randrange(65536))
        sim.add(t, ethernet(probe, True), True)
        if port not in open_udp:
            icmp = icmp_port_unreachable(HOST4, ip, probe)
            sim.add(t + 0.0003, ethernet(ip_packet(HOST4, ip, ICMP4, icmp, 64, 0), False), True)
        t += 1 / 300


def floods(sim, srv, spoofed_pps, botnet, syn_pps):
    """A spoofed-source UDP flood, a few real addresses flooding junk, and a SYN flood, 20 s each."""
    rng = sim.rng
    start = rng.uniform(sim.t0 + 30, sim.t1 - 40)
    if srv.game.proto == UDP:
        for t in periodic(rng, start, start + 20, 1 / spoofed_pps):
            Flow(sim, sim.new_ip(), sim.ephemeral_port(), srv.port, UDP, bystander=True).up(
                t, sim.payload(rng.randint(20, 120)))
        for _ in range(botnet):
            fl = Flow(sim, sim.new_ip(), sim.ephemeral_port(), srv.port, UDP, bystander=True)
            for t in periodic(rng, start + rng.uniform(0, 5), start + 25, 1 / 25):
                fl.up(t, sim.payload(rng.randint(60, 200)))
    else:
        for t in periodic(rng, start, start + 20, 1 / syn_pps):
            fl = Flow(sim, sim.new_ip(), sim.ephemeral_port(), srv.port, TCP, bystander=True)
            fl.up(t, flags=SYN)
            fl.down(t + 0.0003, flags=SYN | ACK)


def reflection(sim, srv):
    """Spoofed A2S_INFO from victims' addresses: the server answers challenges nobody asked for."""
    rng = sim.rng
    start = rng.uniform(sim.t0 + 30, sim.t1 - 50)
    for _ in range(3):
        fl = Flow(sim, sim.new_ip(), rng.choice((53, 80, 443, 27015)), srv.port, UDP, bystander=True)
        for t in periodic(rng, start, start + 40, 1 / 100):
            fl.up(t, A2S_INFO)
            fl.down(t + 0.0005, FF4 + b"A" + rng.randbytes(4))


def port_checks(sim, srv, every):
    """An uptime monitor's TCP check of the server's TCP ports: connect, close, every few seconds."""
    rng = sim.rng
    ports = [p for p in (srv.port if srv.game.proto == TCP else 0, srv.rcon_port) if p]
    for port in ports:
        ip, sport = sim.new_ip(), sim.ephemeral_port()
        for t in periodic(rng, sim.t0 - every * rng.random(), sim.t1, every, spread=0.02):
            fl = Flow(sim, ip, sport, port, TCP, bystander=True)
            at = fl.connect_tcp(t)
            fl.close_tcp(at + 0.001)
            sport = sport + 1 if sport < 60999 else 32768
