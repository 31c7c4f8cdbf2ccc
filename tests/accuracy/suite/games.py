# SPDX-License-Identifier: BSD-2-Clause
"""How each kind of game talks: transport, tick rates while idle and while active, packet sizes,
the join handshake and download, the goodbye, and which status-query protocols its server answers.

Rates are ranges: each server draws its own tick and each player its own send rate, so no two
captures share one shape. The headers are the games' own framing (a sequence number, RakNet's
datagram byte), so game packets never look like status queries by accident."""
import struct
from dataclasses import dataclass

from packets import TCP, UDP

RAKNET_MAGIC = bytes.fromhex("00ffff00fefefefefdfdfdfd12345678")


@dataclass(frozen=True)
class Rates:
    client_gap: tuple   # seconds between a client's packets (each player draws one value)
    server_gap: tuple   # seconds between the server's packets to one client (drawn per server)
    client_size: tuple  # payload bytes
    server_size: tuple


@dataclass(frozen=True)
class Game:
    name: str
    proto: int
    port: int
    idle: Rates
    active: Rates
    queries: tuple = ()          # (protocol, offset of the query port from the game port)
    answers: bool = False        # the server answers each client packet (request/response games)
    header: str = "seq"          # seq: a 32-bit sequence number; raknet; plain
    keepalive: float = 0         # the server's keep-alive period, answered by the client (TCP games)
    download: tuple = (20, 60)   # packets of the join download (map, chunks, signon)
    timeout: tuple = (20, 60)    # how long the server keeps sending to a client that vanished
    load_new_port: float = 0.5   # share of players that come back from a new port after a map load


def r(a, b):
    return (a, b)


GAMES = {g.name: g for g in (
    # Source engine (CS, TF2, Garry's Mod): cl_cmdrate / updaterate from 20 to 128.
    Game("source", UDP, 27015, Rates(r(1 / 66, 1 / 30), r(1 / 66, 1 / 20), r(20, 60), r(36, 100)),
         Rates(r(1 / 128, 1 / 60), r(1 / 128, 1 / 33), r(36, 120), r(70, 300)),
         queries=(("a2s", 0),), download=(30, 80), load_new_port=0.2),
    # id tech 3 (Quake 3, Urban Terror, Wolfenstein ET): cl_maxpackets 30-125, sv_fps 10-40.
    Game("quake3", UDP, 27960, Rates(r(1 / 40, 1 / 20), r(1 / 30, 1 / 10), r(20, 50), r(40, 200)),
         Rates(r(1 / 125, 1 / 30), r(1 / 40, 1 / 20), r(30, 80), r(80, 500)),
         queries=(("q3_getstatus", 0), ("q3_getinfo", 0)), download=(10, 40), load_new_port=0.6),
    # Unreal engine (UT99, UT2004, Killing Floor): GameSpy v1 text queries on port + 1.
    Game("unreal", UDP, 7777, Rates(r(1 / 10, 1 / 6), r(1 / 12, 1 / 8), r(20, 60), r(30, 120)),
         Rates(r(1 / 45, 1 / 28), r(1 / 35, 1 / 25), r(30, 110), r(60, 400)),
         queries=(("gamespy1", 1),), download=(10, 30), load_new_port=0.8),
    # GameSpy v3 titles (Battlefield 2, ArmA): game port and a separate query port.
    Game("gamespy_game", UDP, 16567, Rates(r(1 / 30, 1 / 15), r(1 / 30, 1 / 20), r(20, 80), r(40, 200)),
         Rates(r(1 / 40, 1 / 25), r(1 / 35, 1 / 25), r(40, 120), r(80, 600)),
         queries=(("gamespy3", 13333), ("gamespy2", 13333)), download=(20, 60), load_new_port=0.7),
    Game("factorio", UDP, 34197, Rates(r(1 / 62, 1 / 58), r(1 / 62, 1 / 58), r(10, 40), r(12, 60)),
         Rates(r(1 / 62, 1 / 58), r(1 / 62, 1 / 58), r(20, 110), r(30, 200)),
         download=(200, 400), load_new_port=0.5),
    # Minecraft Java: an idle player still sends its position every second; keep-alive every 15 s.
    Game("minecraft", TCP, 25565, Rates(r(0.9, 1.05), r(0.5, 1.0), r(10, 30), r(12, 60)),
         Rates(r(1 / 20, 1 / 15), r(1 / 25, 1 / 15), r(12, 60), r(20, 700)),
         queries=(("mc_status", 0),), header="plain", keepalive=15, download=(120, 260), timeout=(30, 30)),
    # Minecraft Bedrock over RakNet: ticks at 20 Hz, acknowledgements, unconnected pings.
    Game("bedrock", UDP, 19132, Rates(r(1 / 22, 1 / 10), r(1 / 20, 1 / 10), r(30, 90), r(30, 300)),
         Rates(r(1 / 22, 1 / 18), r(1 / 22, 1 / 18), r(40, 160), r(60, 900)),
         queries=(("raknet", 0),), header="raknet", download=(60, 150), timeout=(10, 30)),
    # Slow-tick games: a few packets while idle, each client packet answered, server state pushes
    # every few seconds (strategy, survival, turn-based, idle lobbies).
    Game("strategy", UDP, 6500, Rates(r(2.0, 4.0), r(2.0, 5.0), r(20, 80), r(40, 400)),
         Rates(r(0.2, 0.6), r(0.3, 1.0), r(30, 150), r(60, 800)),
         queries=(("gamespy2", 0),), answers=True, download=(20, 80), timeout=(30, 60)),
    Game("survival", UDP, 2456, Rates(r(2.0, 3.5), r(2.5, 6.0), r(20, 60), r(60, 300)),
         Rates(r(0.1, 0.3), r(0.2, 0.5), r(40, 200), r(100, 1000)),
         queries=(("a2s", 1),), answers=True, download=(40, 120), timeout=(20, 40)),
    Game("turnbased", TCP, 7100, Rates(r(2.5, 4.0), r(3.0, 6.0), r(20, 60), r(30, 200)),
         Rates(r(0.5, 1.5), r(0.5, 2.0), r(30, 200), r(50, 600)),
         queries=(("tcp_status", 1),), answers=True, header="plain", download=(10, 40), timeout=(30, 60)),
    Game("lobby", UDP, 27500, Rates(r(2.5, 3.5), r(4.0, 6.0), r(16, 40), r(60, 300)),
         Rates(r(1.0, 2.0), r(1.5, 3.0), r(20, 60), r(60, 400)),
         queries=(("q3_getinfo", 0),), answers=True, download=(5, 20), timeout=(20, 40)),
)}


def game_payload(sim, flow, game, up, size):
    """One in-game packet of `size` payload bytes, framed the way the game frames it."""
    d = 0 if up else 1
    flow.game_seq[d] += 1
    seq = flow.game_seq[d]
    if game.header == "raknet":   # connected datagram: 0x84 + 24-bit sequence, or an ACK (0xc0)
        if up and seq % 3 == 0:
            return b"\xc0\x00\x01\x01" + struct.pack("<I", flow.game_seq[1])[:3]
        return b"\x84" + struct.pack("<I", seq)[:3] + sim.payload(max(1, size - 4))
    if game.header == "seq":      # a netchan sequence (bit 31 clear) and the acknowledged one
        return struct.pack("<II", seq & 0x7FFFFFFF, flow.game_seq[1 - d] & 0x7FFFFFFF) + sim.payload(max(1, size - 8))
    return sim.payload(size)


def _burst(sim, flow, game, t, n, gap, size, ack_every):
    """Server->client bulk transfer (map, chunks, signon) with client acknowledgements."""
    for i in range(n):
        flow.down(t, game_payload(sim, flow, game, False, sim.rng.randint(*size)))
        if i % ack_every == ack_every - 1:
            flow.up(t + flow.rtt() / 2, game_payload(sim, flow, game, True, 24))
        t += gap
    return t


def connect(sim, flow, game, t):
    """The join: handshake and download. Returns when steady traffic starts, None if it failed."""
    rng, h = sim.rng, flow.rtt() / 2
    n = rng.randint(*game.download)
    if game.proto == TCP:
        t = flow.connect_tcp(t)
        if t is None:
            return None
        if game.name == "minecraft":   # handshake (next state 2 = login), login start, encryption
            host = b"play.example.net"
            hs = b"\x00" + b"\xfd\x05" + bytes([len(host)]) + host + struct.pack("!H", flow.host_port) + b"\x02"
            flow.up(t, bytes([len(hs)]) + hs + sim.payload(18))
            flow.down(t + h, sim.payload(162))
            flow.up(t + 2 * h, sim.payload(262))
            flow.down(t + 3 * h, sim.payload(40))
        else:
            flow.up(t, sim.payload(rng.randint(40, 120)))
            flow.down(t + h, sim.payload(rng.randint(60, 200)))
        return _burst(sim, flow, game, t + 4 * h, n, 1 / 800, (1000, 1448), 2)
    if game.name == "source":
        flow.up(t, b"\xff\xff\xff\xffq" + rng.randbytes(4) + b"0000000000\x00")
        flow.down(t + h, b"\xff\xff\xff\xffA" + sim.payload(20))
        flow.up(t + 2 * h, b"\xff\xff\xff\xffk" + sim.payload(rng.randint(180, 260)))
        flow.down(t + 3 * h, b"\xff\xff\xff\xffB" + sim.payload(20))
    elif game.name in ("quake3", "lobby"):
        flow.up(t, b"\xff\xff\xff\xffgetchallenge")
        flow.down(t + h, b"\xff\xff\xff\xffchallengeResponse " + str(rng.randrange(10 ** 9)).encode())
        flow.up(t + 2 * h, b"\xff\xff\xff\xffconnect \"" + sim.payload(rng.randint(150, 300)) + b"\"")
        flow.down(t + 3 * h, b"\xff\xff\xff\xffconnectResponse")
    elif game.name == "bedrock":       # RakNet open connection requests 1 and 2 (MTU discovery)
        flow.up(t, b"\x05" + RAKNET_MAGIC + b"\x0b" + bytes(rng.choice((1400, 1464)) - 46))
        flow.down(t + h, b"\x06" + RAKNET_MAGIC + rng.randbytes(8) + b"\x00\x05\xb8")
        flow.up(t + 2 * h, b"\x07" + RAKNET_MAGIC + sim.payload(17))
        flow.down(t + 3 * h, b"\x08" + RAKNET_MAGIC + sim.payload(19))
    else:
        for i in range(4):
            up = i % 2 == 0
            (flow.up if up else flow.down)(t + i * h, game_payload(sim, flow, game, up, rng.randint(20, 90)))
    return _burst(sim, flow, game, t + 4 * h, n, 1 / 300, (500, 1200), 4)


def goodbye(sim, flow, game, t):
    """A clean leave: the game's disconnect message, or FIN for TCP games."""
    if game.proto == TCP:
        flow.up(t, sim.payload(3))
        flow.close_tcp(t + 0.005)
        return
    flow.up(t, game_payload(sim, flow, game, True, sim.rng.randint(20, 40)))
    flow.down(t + flow.rtt() / 2, game_payload(sim, flow, game, False, 20))
