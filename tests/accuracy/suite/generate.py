#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Generates one accuracy scenario: a capture as `tcpdump -w` on the game host shows it, and the
true number of players per server for every second.

usage: generate.py --scenario NAME [--seed N] [--params JSON] --out DIR
writes DIR/capture.pcap, DIR/bystanders.bin (one byte per frame of the capture: 1 for crawlers,
monitors, consoles, scans and floods, 0 for players and the host's answers to them; see
packets.write_filtered), DIR/truth.jsonl ({"t": T, "truth": {server: players}} for each whole
second T from the first packet to the last), DIR/servers.txt (one --server value per line) and
DIR/meta.json (parameters and every session).

A player counts from its join to its leave (join <= T < leave), idle or not, through lag stalls
and map loads, and once however often its address changes. A player who gives up during a map
load leaves at that moment; every player of a server that stops leaves when it stops."""
import argparse
import json
import math
import os
import sys
import time

from bystanders import crawlers, floods, monitors, port_checks, port_scan, rcon_console, reflection, udp_scan
from games import GAMES
from network import Sim
from packets import TCP, PcapWriter
from players import Player, Server, play
from scenarios import SCENARIOS, params

START = 1_760_000_000.0
MAX_CAPTURE_BYTES = 80_000_000  # keeps a scenario small enough for CI
SNAPLEN = 256  # every header, ICMP's quoted packet and the bytes a query signature needs


def make_servers(sim, P):
    rng, servers = sim.rng, []
    for sid, spec in P["servers"].items():
        name, _, port = spec.partition(":")
        game = GAMES[name]
        srv = Server(sid, game, int(port or game.port), rng.uniform(*game.idle.server_gap),
                     rng.uniform(*game.active.server_gap))
        if sid in P["rcon"]:
            srv.rcon_port = srv.port if game.proto != TCP else srv.port + 10
        loads = P["loads"].get(sid, 0)
        if isinstance(loads, int):   # spread over the capture, at least a minute apart
            slots = [sim.t0 + 40 + i * (P["duration"] - 90) / loads for i in range(loads)]
            loads = [[s - sim.t0 + rng.uniform(0, 20), rng.uniform(5, 30)] for s in slots]
        srv.loads = [(sim.t0 + a, secs) for a, secs in loads]
        if sid in P["stops"]:
            at, restart, kind = P["stops"][sid]
            srv.stop = (sim.t0 + at, None if restart is None else sim.t0 + at + restart, kind)
        servers.append(srv)
    return servers


def make_players(sim, servers, P):
    rng, players = sim.rng, []
    hows, weights = zip(*sorted(P["leave"].items()))

    def link():
        rtt = min(0.4, rng.lognormvariate(-3.0, 0.6))
        if rng.random() < P["lossy"]:          # bad Wi-Fi or mobile: loss and long stalls
            loss, every, length = rng.uniform(0.05, 0.15), rng.uniform(40, 120), (2, 15)
        else:
            loss, every, length = rng.uniform(0, 0.01), rng.uniform(150, 400), (0.5, 2)
        stalls, t = [], sim.t0 - rng.uniform(0, every)
        while t < sim.t1:
            t += rng.expovariate(1 / every)
            stalls.append((t, t + rng.uniform(*length)))
        return rtt, loss, stalls

    def add(srv, join, leave):
        v6 = rng.random() < P["v6"]
        port = 27005 if srv.game.name == "source" and rng.random() < 0.5 else sim.ephemeral_port()
        rtt, loss, stalls = link()
        if srv.stop and join < srv.stop[0] < leave:
            leave = srv.stop[0]
        players.append(Player(srv, sim.new_ip(v6), port, join, leave, rng.choices(hows, weights)[0],
                              P["afk"], rtt, loss, stalls))

    for srv in servers:
        for _ in range(P["initial"].get(srv.sid, 0)):
            add(srv, sim.t0 - rng.uniform(10, 900), sim.t0 + rng.uniform(0.4, 2.0) * P["duration"])
        rate = P["join_rate"].get(srv.sid, 0) / 60
        t = sim.t0 + (rng.expovariate(rate) if rate else P["duration"])
        while t < sim.t1 - 5:
            if srv.running(t):
                add(srv, t, t + rng.uniform(*P["session"]))
            t += rng.expovariate(rate)
        if srv.stop and srv.stop[1] is not None:   # after a restart, about half come back at once
            back = sum(1 for p in players if p.server is srv and p.leave == srv.stop[0])
            for _ in range((back + 1) // 2):
                j = srv.stop[1] + rng.uniform(3, 40)
                add(srv, j, j + rng.uniform(*P["session"]))
    return players


def share_addresses(sim, players, nat):
    """Puts a share of the IPv4 players behind shared public addresses, each with its own port."""
    if not nat:
        return
    rng = sim.rng
    v4 = [p for p in players if len(p.ip) == 4]
    chosen = rng.sample(v4, min(len(v4), int(len(players) * nat["share"])))
    while chosen:
        size = rng.randint(*nat["group"])
        group, chosen = chosen[:size], chosen[size:]
        public = sim.new_ip()
        for p in group:
            p.ip, p.port = public, rng.randint(1024, 65535)


def roam(sim, players, share):
    rng = sim.rng
    for p in players:
        a, b = max(p.join, sim.t0) + 20, min(p.leave, sim.t1) - 20
        if b - a < 30 or rng.random() >= share:
            continue
        times = sorted(rng.uniform(a, b) for _ in range(rng.randint(1, 2)))
        if len(times) == 2 and times[1] - times[0] < 15:
            times = times[:1]
        ip, port = p.ip, p.port
        for t in times:
            kind = rng.choice(("address", "address", "family", "port"))
            if kind != "port":
                ip = sim.new_ip(v6=(len(ip) == 16) == (kind == "address"))
            port = sim.ephemeral_port()
            gap = rng.uniform(2, 6) if p.server.game.proto == TCP else rng.uniform(0.3, 2)
            p.roams.append((t, gap, ip, port))


def map_load_outcomes(sim, players):
    """Who comes back after each map load, when, and from which port; the others leave during it."""
    rng = sim.rng
    for p in players:
        for start, secs in p.server.loads:
            if not p.join < start < p.leave:
                continue
            if p.leave < start + secs or rng.random() < 0.15:
                p.leave = min(p.leave, start + rng.uniform(0, secs))
                continue
            new_port = sim.ephemeral_port() if rng.random() < p.server.game.load_new_port else 0
            p.returns[start] = (start + secs + rng.uniform(0, 3), new_port)


def bystanders(sim, servers, P):
    for srv in servers:
        if srv.game.queries:
            crawlers(sim, srv, **P["crawl"])
            for every in (P["monitors"] or {}).get("every", []):
                monitors(sim, srv, every)
        if srv.sid in P["rcon"]:
            rcon_console(sim, srv)
        if (P["monitors"] or {}).get("port_check"):
            port_checks(sim, srv, P["monitors"]["port_check"])
    attacks = P["attacks"]
    for _ in range(attacks.get("portscan", 0)):
        port_scan(sim, servers)
    for _ in range(attacks.get("udpscan", 0)):
        udp_scan(sim, servers)
    by_id = {s.sid: s for s in servers}
    for sid in attacks.get("floods", []):
        floods(sim, by_id[sid], spoofed_pps=1500, botnet=20, syn_pps=1000)
    if "reflect" in attacks:
        reflection(sim, by_id[attacks["reflect"]])


def write(sim, out, servers, players, snaplen):
    os.makedirs(out, exist_ok=True)
    sim.packets.sort()
    size = 24 + sum(16 + min(snaplen, len(f)) for _, _, f, _ in sim.packets)
    if size > MAX_CAPTURE_BYTES:
        raise SystemExit(f"capture would be {size / 1e6:.0f} MB, over {MAX_CAPTURE_BYTES / 1e6:.0f} MB")
    capture = PcapWriter(os.path.join(out, "capture.pcap"), snaplen)
    for ts, _, frame, _ in sim.packets:
        capture.write(ts, frame)
    capture.close()
    with open(os.path.join(out, "bystanders.bin"), "wb") as f:
        f.write(bytes(b for _, _, _, b in sim.packets))
    first, last = sim.packets[0][0], sim.packets[-1][0]
    with open(os.path.join(out, "truth.jsonl"), "w") as f:
        for t in range(math.floor(first) + 1, math.floor(last) + 1):
            counts = {s.sid: 0 for s in servers}
            for p in players:
                if p.join <= t < p.leave:
                    counts[p.server.sid] += 1
            f.write(json.dumps({"t": float(t), "truth": counts}) + "\n")
    with open(os.path.join(out, "servers.txt"), "w") as f:
        f.write("".join(s.spec() + "\n" for s in servers))
    return first, last


def generate(name, seed, P, out, snaplen=SNAPLEN):
    started = time.time()
    sim = Sim(seed * 7919 + sum(map(ord, name)), START, P["duration"])
    sim.icmp_budget = {}
    servers = make_servers(sim, P)
    players = make_players(sim, servers, P)
    share_addresses(sim, players, P["nat"])
    roam(sim, players, P["roam"])
    map_load_outcomes(sim, players)
    for p in players:
        play(sim, p)
    bystanders(sim, servers, P)
    first, last = write(sim, out, servers, players, snaplen)
    meta = dict(scenario=name, seed=seed, description=P["desc"], params=P, servers=[s.spec() for s in servers],
                packets=len(sim.packets), first_ts=first, last_ts=last, seconds=round(time.time() - started, 2),
                sessions=[dict(server=p.server.sid, join=round(p.join, 3), leave=round(p.leave, 3), how=p.how,
                               v6=len(p.ip) == 16, roams=len(p.roams), loss=round(p.loss, 3),
                               load_returns=len(p.returns)) for p in players])
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", help=f"one of: {' '.join(SCENARIOS)}")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--params", help="JSON object overriding scenario parameters")
    ap.add_argument("--out")
    ap.add_argument("--snaplen", type=int, default=SNAPLEN, help="bytes kept of each frame (65535: whole)")
    a = ap.parse_args()
    if not a.scenario or not a.out:
        ap.error("--scenario and --out are required")
    meta = generate(a.scenario, a.seed, params(a.scenario, json.loads(a.params) if a.params else None), a.out,
                    a.snaplen)
    print(f"{a.scenario} seed {a.seed}: {meta['packets']} packets, {len(meta['sessions'])} sessions, "
          f"{meta['seconds']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
