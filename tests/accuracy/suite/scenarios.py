# SPDX-License-Identifier: BSD-2-Clause
"""The scenarios: which servers a host runs, who plays on them and over what links, and who else
talks to them. Each is generated from a seed; the suite runs every scenario on several seeds."""
import copy

BASE = dict(
    duration=300,
    servers={},                 # id -> "game" or "game:port"
    initial={},                 # id -> players already connected when the capture starts
    join_rate={},               # id -> joins per minute
    session=[90, 300],          # seconds a session lasts
    afk=0.3,                    # share of time a player is idle
    v6=0.1,                     # share of players on IPv6
    leave={"clean": 0.6, "timeout": 0.3, "rst": 0.1},
    nat=None,                   # {"share", "group": [lo, hi]}: players sharing a public IPv4
    roam=0.0,                   # share of players whose address changes mid-session
    lossy=0.0,                  # share of players on a bad link (5-15% loss, 2-15 s stalls)
    crawl={"heavy": 1, "medium": 3, "oneoff": 20},
    monitors=None,              # {"every": [seconds, ...]}: pollers on each protocol of each server;
                                # "port_check": seconds between TCP connect checks of TCP ports
    rcon=[],                    # server ids with an admin console
    attacks={},                 # portscan, udpscan: count; floods, reflect: server id
    loads={},                   # id -> number of map loads, or [[seconds into the capture, length]]
    stops={},                   # id -> [seconds into the capture, restart after seconds or null,
                                #        "crash" or "shutdown"]
)

SCENARIOS = {
    "steady": dict(desc="four games, long sessions, occasional joins and leaves",
                   servers={"cs": "source", "mc": "minecraft", "fact": "factorio", "ut": "unreal"},
                   initial={"cs": 3, "mc": 4, "fact": 1, "ut": 3},
                   join_rate={"cs": 0.4, "mc": 0.5, "fact": 0.2, "ut": 0.4}, v6=0.15),
    "afk": dict(desc="mostly idle players", servers={"cs": "source", "mc": "minecraft", "ut": "unreal"},
                initial={"cs": 2, "mc": 6, "ut": 4}, join_rate={"cs": 0.2, "mc": 0.5, "ut": 0.3},
                afk=0.9, session=[120, 400]),
    "crawlers": dict(desc="players and heavy server-list crawling",
                     servers={"cs": "source", "mc": "minecraft", "ut": "unreal", "q3": "quake3"},
                     initial={"cs": 2, "mc": 3, "ut": 2, "q3": 2},
                     join_rate={"cs": 0.3, "mc": 0.4, "ut": 0.3, "q3": 0.3},
                     crawl={"heavy": 4, "medium": 20, "oneoff": 150}),
    "scans_floods": dict(desc="port scans, spoofed and botnet floods, a SYN flood, A2S reflection",
                         servers={"cs": "source", "mc": "minecraft", "ut": "unreal"},
                         initial={"cs": 2, "mc": 3, "ut": 2}, join_rate={"cs": 0.3, "mc": 0.3, "ut": 0.3},
                         attacks={"portscan": 2, "udpscan": 1, "floods": ["ut", "mc"], "reflect": "cs"}),
    "nat": dict(desc="70% of players share public IPv4 addresses, 2-4 per address",
                servers={"cs": "source", "mc": "minecraft", "fact": "factorio"},
                initial={"cs": 3, "mc": 5, "fact": 2}, join_rate={"cs": 0.4, "mc": 0.6, "fact": 0.2},
                nat={"share": 0.7, "group": [2, 4]}, v6=0.0),
    "roaming": dict(desc="60% of players change address (new IPv4, IPv4<->IPv6, NAT rebinding)",
                    servers={"cs": "source", "mc": "minecraft", "ut": "unreal"},
                    initial={"cs": 2, "mc": 4, "ut": 3}, join_rate={"cs": 0.3, "mc": 0.4, "ut": 0.3},
                    roam=0.6, v6=0.3),
    "churn": dict(desc="many 30-90 s sessions", servers={"cs": "source", "mc": "minecraft", "ut": "unreal"},
                  initial={"cs": 1, "mc": 2, "ut": 2}, join_rate={"cs": 1.5, "mc": 3, "ut": 2.5}, session=[30, 90]),
    "multiserver": dict(desc="six servers on one host, TCP and UDP, an RCON console, a port scan",
                        duration=240,
                        servers={"cs1": "source:27015", "cs2": "source:27025", "mc1": "minecraft:25565",
                                 "mc2": "minecraft:25566", "bedrock": "bedrock", "ut": "unreal"},
                        initial={"cs1": 2, "cs2": 1, "mc1": 3, "mc2": 2, "bedrock": 2, "ut": 2},
                        join_rate={"cs1": 0.3, "cs2": 0.3, "mc1": 0.5, "mc2": 0.4, "bedrock": 0.3, "ut": 0.3},
                        v6=0.3, rcon=["cs1"], attacks={"portscan": 1}),
    "slow_tick": dict(desc="slow-tick games (a packet every 2-4 s while idle) beside an RCON console, "
                           "pollers and port scans",
                      servers={"rts": "strategy", "surv": "survival", "turn": "turnbased", "lobby": "lobby"},
                      initial={"rts": 3, "surv": 3, "turn": 3, "lobby": 2},
                      join_rate={"rts": 0.4, "surv": 0.4, "turn": 0.3, "lobby": 0.4},
                      afk=0.8, session=[60, 300], rcon=["rts", "surv"],
                      monitors={"every": [2, 5], "port_check": 10},
                      attacks={"portscan": 1, "udpscan": 1}),
    "monitors": dict(desc="monitors polling every second from one port with every query protocol",
                     servers={"cs": "source", "q3": "quake3", "ut": "unreal", "gs": "gamespy_game",
                              "mc": "minecraft", "bedrock": "bedrock"},
                     initial={"cs": 2, "q3": 1, "ut": 1, "gs": 2, "mc": 2, "bedrock": 1},
                     join_rate={"cs": 0.2, "q3": 0.2, "ut": 0.2, "gs": 0.2, "mc": 0.3, "bedrock": 0.2},
                     monitors={"every": [1, 1, 3], "port_check": 5}, crawl={"heavy": 1, "medium": 2, "oneoff": 10}),
    "lossy_links": dict(desc="5-15% loss and 2-15 s stalls while the server keeps sending; leaves without goodbye",
                        servers={"cs": "source", "mc": "minecraft", "q3": "quake3", "bedrock": "bedrock",
                                 "rts": "strategy"},
                        initial={"cs": 2, "mc": 3, "q3": 2, "bedrock": 2, "rts": 2},
                        join_rate={"cs": 0.3, "mc": 0.3, "q3": 0.3, "bedrock": 0.3, "rts": 0.3},
                        lossy=0.8, leave={"clean": 0.3, "timeout": 0.6, "rst": 0.1}, session=[90, 300]),
    "level_loads": dict(desc="map loads: every player quiet for 5-30 s, most come back, often from a new port",
                        servers={"cs": "source", "q3": "quake3", "ut": "unreal", "gs": "gamespy_game",
                                 "fact": "factorio"},
                        initial={"cs": 4, "q3": 3, "ut": 3, "gs": 4, "fact": 2},
                        join_rate={"cs": 0.3, "q3": 0.3, "ut": 0.3, "gs": 0.3, "fact": 0.1},
                        session=[150, 500], loads={"cs": 2, "q3": 2, "ut": 2, "gs": 2, "fact": 1}),
    "server_stops": dict(desc="servers that crash or shut down (ICMP port unreachable, TCP resets) beside "
                              "one loading a map at the same time",
                         servers={"cs": "source", "mc": "minecraft", "q3": "quake3", "cs2": "source:27025",
                                  "bedrock": "bedrock"},
                         initial={"cs": 4, "mc": 4, "q3": 3, "cs2": 4, "bedrock": 2},
                         join_rate={"cs": 0.3, "mc": 0.3, "q3": 0.3, "cs2": 0.3, "bedrock": 0.3},
                         session=[200, 600], stops={"cs": [140, 80, "crash"], "mc": [170, None, "crash"],
                                                    "q3": [120, None, "shutdown"],
                                                    "bedrock": [200, 40, "shutdown"]},
                         loads={"cs2": [[138, 20]]}),
}


def params(name, overrides=None):
    if name not in SCENARIOS:
        raise SystemExit(f"unknown scenario {name}; known: {' '.join(SCENARIOS)}")
    p = copy.deepcopy(BASE)
    p.update(copy.deepcopy(SCENARIOS[name]))
    p.update(overrides or {})
    return p
