# SPDX-License-Identifier: BSD-2-Clause
"""Scores an estimator's per-second counts against the ground truth of one scenario.

Ticks are matched by rounding t to whole seconds; a missing tick, a missing server or an unknown
count (null) is 0 players. The first `warmup` seconds are not scored (an estimator needs history).
  MAE, bias     mean |estimate - truth| and mean (estimate - truth) over the scored ticks
  fake p-s      over-count on ticks whose truth has not changed for 60 s (not explained by lag)
  poller p-s    over-count that exists only because of crawlers, monitors, consoles, scans and
                floods: the estimate on the full capture above both the truth and the estimate on
                the same capture without them
  missed p-s    under-count on ticks whose truth has not changed for 60 s
  join p95      per player joining: seconds until the estimate reaches min(truth then, truth now)
  leave p95     per player leaving: seconds until the estimate falls to max(truth then, truth now)
A join or leave not followed within 120 s counts 120 s; one too close to the end to tell (less
than 30 s of data after it) is not counted."""
import json
import math

STABLE_SECONDS, CAP_SECONDS, CENSOR_SECONDS = 60, 120, 30
BOUNDS = dict(mae=0.45, abs_bias=0.15, poller_ps=0, join_p95=15, leave_p95=30)


def load_truth(path):
    rows = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                rows[round(d["t"])] = d["truth"]
    return rows


def load_estimates(path):
    rows = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                rows[round(d["t"])] = {s["server_id"]: s.get("active_players") or 0 for s in d["servers"]}
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit(f"{path}:{n}: not an estimate line ({e}): {line[:120]!r}")
    return rows


def p95(values):
    return sorted(values)[math.ceil(0.95 * len(values)) - 1] if values else None


def latencies(ticks, truth, est, first_scored, joining):
    """Seconds from each truth step (one entry per player) until the estimate follows it."""
    out = []
    for i in range(1, len(ticks)):
        step = truth[i] - truth[i - 1]
        if ticks[i] < first_scored or step == 0 or (step > 0) != joining:
            continue
        took = None
        for j in range(i, len(ticks)):
            waited = ticks[j] - ticks[i]
            if waited > CAP_SECONDS:
                took = CAP_SECONDS
                break
            if (est[j] >= min(truth[i], truth[j])) if joining else (est[j] <= max(truth[i], truth[j])):
                took = waited
                break
        if took is None and ticks[-1] - ticks[i] >= CENSOR_SECONDS:
            took = CAP_SECONDS
        if took is not None:
            out += [took] * abs(step)
    return out


def score(truth_path, estimates_path, clean_estimates_path=None, warmup=60):
    truth = load_truth(truth_path)
    est = load_estimates(estimates_path)
    clean = load_estimates(clean_estimates_path) if clean_estimates_path else {}
    ticks = sorted(truth)
    first_scored = ticks[0] + warmup
    servers, pooled = {}, dict(err=[], fake=0, poller=0, missed=0, joins=[], leaves=[])
    for sid in truth[ticks[0]]:
        g = [truth[t][sid] for t in ticks]
        e = [est.get(t, {}).get(sid, 0) for t in ticks]
        m = dict(err=[], fake=0, poller=0, missed=0)
        changed = ticks[0]
        for i, t in enumerate(ticks):
            if i and g[i] != g[i - 1]:
                changed = t
            if t < first_scored:
                continue
            m["err"].append(e[i] - g[i])
            without = clean.get(t, {}).get(sid, 0) if t in clean else g[i]
            m["poller"] += max(0, e[i] - max(g[i], without))
            if t - changed >= STABLE_SECONDS:
                m["fake"] += max(0, e[i] - g[i])
                m["missed"] += max(0, g[i] - e[i])
        m["joins"] = latencies(ticks, g, e, first_scored, True)
        m["leaves"] = latencies(ticks, g, e, first_scored, False)
        servers[sid] = summarise(m)
        for k in pooled:
            pooled[k] += m[k]
    return dict(servers=servers, all=summarise(pooled), join_latencies=pooled["joins"],
                leave_latencies=pooled["leaves"])


def summarise(m):
    n = len(m["err"])
    return dict(ticks=n, mae=sum(map(abs, m["err"])) / n if n else 0.0, bias=sum(m["err"]) / n if n else 0.0,
                fake_ps=m["fake"], poller_ps=m["poller"], missed_ps=m["missed"], joins=len(m["joins"]),
                leaves=len(m["leaves"]), join_p95=p95(m["joins"]), leave_p95=p95(m["leaves"]))


def misses(m):
    """The bounds a scenario's pooled figures miss, as short texts (empty: it meets every bound)."""
    out = []
    if m["mae"] > BOUNDS["mae"]:
        out.append(f"MAE {m['mae']:.2f} > {BOUNDS['mae']}")
    if abs(m["bias"]) > BOUNDS["abs_bias"]:
        out.append(f"|bias| {abs(m['bias']):.2f} > {BOUNDS['abs_bias']}")
    if m["poller_ps"] > BOUNDS["poller_ps"]:
        out.append(f"poller p-s {m['poller_ps']} > {BOUNDS['poller_ps']}")
    if m["join_p95"] is not None and m["join_p95"] > BOUNDS["join_p95"]:
        out.append(f"join p95 {m['join_p95']} s > {BOUNDS['join_p95']} s")
    if m["leave_p95"] is not None and m["leave_p95"] > BOUNDS["leave_p95"]:
        out.append(f"leave p95 {m['leave_p95']} s > {BOUNDS['leave_p95']} s")
    return out


COLUMNS = (("MAE", "mae", "{:.2f}"), ("bias", "bias", "{:+.2f}"), ("fake p-s", "fake_ps", "{}"),
           ("poller p-s", "poller_ps", "{}"), ("missed p-s", "missed_ps", "{}"), ("join p95", "join_p95", "{}"),
           ("leave p95", "leave_p95", "{}"))


def table(rows, first="scenario"):
    """rows: [(name, figures, verdict)] -> aligned text, one line per row."""
    width = max([len(first)] + [len(r[0]) for r in rows])
    head = first.ljust(width) + "".join(c[0].rjust(11) for c in COLUMNS) + "  verdict"
    lines = [head]
    for name, m, verdict in rows:
        cells = ["-" if m[k] is None else f.format(m[k]) for _, k, f in COLUMNS]
        lines.append(name.ljust(width) + "".join(c.rjust(11) for c in cells) + "  " + verdict)
    return "\n".join(lines)
