#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the accuracy suite: generates each scenario on each seed (cached), runs the estimator on
the capture and on the same capture without bystanders, scores it and prints one table row per
scenario and seed, with the bounds it misses.

usage: run.py --estimator CMD [--scenarios "a b"] [--seeds 1,2] [--cache DIR] [--jobs N] [--check]
              [--detail]
  CMD gets `--pcap FILE --server ID=PORT/PROTO[,...] ...` appended and prints one JSON line per
  second, e.g. --estimator "build/core/daemon/flowlensd replay".
  --check exits 1 when any scenario misses a bound; --detail adds a table per scenario with each
  server's figures (one server's bounds are only a hint: they hold for the scenario pooled)."""
import argparse
import concurrent.futures
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402
from packets import write_filtered  # noqa: E402
from scenarios import SCENARIOS, params  # noqa: E402
from score import misses, p95, score, table  # noqa: E402

DEFAULT_SEEDS = (1, 2)


def sources_hash():
    h = hashlib.sha1()
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".py") and name not in ("run.py", "score.py"):
            with open(os.path.join(HERE, name), "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:10]


def prune(cache, version):
    """Drops scenarios an older generator made, so a kept cache does not grow without end."""
    for entry in os.listdir(cache):
        if "-seed" in entry and not entry.endswith(version) and not entry.startswith("."):
            shutil.rmtree(os.path.join(cache, entry), ignore_errors=True)


def estimate(estimator, path, pcap, out):
    with open(os.path.join(path, "servers.txt")) as f:
        servers = [a for line in f if line.strip() for a in ("--server", line.strip())]
    cmd = shlex.split(estimator) + ["--pcap", pcap] + servers
    with open(out, "w") as f:
        done = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"estimator failed ({done.returncode}) on {path}/{pcap}: {done.stderr.strip()[-500:]}")


def run_one(estimator, name, seed, cache, version):
    """Generates (or finds in the cache) one scenario on one seed and scores the estimator on it."""
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(cache, f"{name}-seed{seed}-{version}") if cache else os.path.join(work, "scenario")
        if not os.path.exists(os.path.join(path, "meta.json")):
            tmp = tempfile.mkdtemp(dir=cache or work, prefix=f".{name}-")
            generate(name, seed, params(name), tmp)
            shutil.rmtree(path, ignore_errors=True)
            os.rename(tmp, path)
        full, clean = os.path.join(work, "full.jsonl"), os.path.join(work, "clean.jsonl")
        players_only = os.path.join(work, "players.pcap")
        write_filtered(os.path.join(path, "capture.pcap"), os.path.join(path, "bystanders.bin"), players_only)
        estimate(estimator, path, os.path.join(path, "capture.pcap"), full)
        estimate(estimator, path, players_only, clean)
        return score(os.path.join(path, "truth.jsonl"), full, clean)


def run(estimator, names, seeds, cache=None, jobs=2, out=sys.stdout, detail=False):
    """Scores every scenario on every seed; prints the table and returns
    [(row name, scenario name, pooled figures, missed bounds)]. Without a cache the scenarios are
    generated into temporary folders and removed once scored."""
    started, version = time.time(), sources_hash()
    if cache:
        os.makedirs(cache, exist_ok=True)
        prune(cache, version)
    runs = [(n, s) for n in names for s in seeds]
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        scores = list(pool.map(run_one, *zip(*[(estimator, n, s, cache, version) for n, s in runs])))
    results, joins, leaves = [], [], []
    for (name, seed), r in zip(runs, scores):
        joins += r["join_latencies"]
        leaves += r["leave_latencies"]
        results.append((f"{name}#{seed}", name, r["all"], misses(r["all"])))
    rows = [(row, m, "ok" if not miss else "MISSES " + "; ".join(miss)) for row, _, m, miss in results]
    print(f"estimator: {estimator}", file=out)
    print(table(rows), file=out)
    if detail:   # each scenario's servers, where a pooled figure hides which server misses
        for (name, seed), r in zip(runs, scores):
            print(f"\n{name}#{seed} per server:", file=out)
            print(table([(sid, m, "ok" if not misses(m) else "MISSES " + "; ".join(misses(m)))
                         for sid, m in r["servers"].items()], "server"), file=out)
    n = len(results)
    fmt = lambda v: "-" if v is None else f"{v} s"  # noqa: E731
    print(f"accuracy: mean MAE {sum(m['mae'] for _, _, m, _ in results) / n:.3f}, "
          f"mean bias {sum(m['bias'] for _, _, m, _ in results) / n:+.3f}, "
          f"fake player-seconds {sum(m['fake_ps'] for _, _, m, _ in results)}, "
          f"poller player-seconds {sum(m['poller_ps'] for _, _, m, _ in results)}, "
          f"missed player-seconds {sum(m['missed_ps'] for _, _, m, _ in results)}, "
          f"join p95 {fmt(p95(joins))}, leave p95 {fmt(p95(leaves))} "
          f"({n} runs, {len(joins)} joins, {len(leaves)} leaves; "
          f"{sum(1 for r in results if r[3])} miss a bound; {time.time() - started:.0f} s)", file=out)
    out.flush()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estimator", required=True)
    ap.add_argument("--scenarios", default=" ".join(SCENARIOS), help="space-separated; default: all")
    ap.add_argument("--seeds", default=",".join(map(str, DEFAULT_SEEDS)))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "flowlens-accuracy-suite"),
                    help="where generated scenarios are kept between runs ('' keeps none)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parallel generation")
    ap.add_argument("--check", action="store_true", help="exit 1 when a scenario misses a bound")
    ap.add_argument("--detail", action="store_true", help="also print each scenario's servers")
    a = ap.parse_args()
    names = a.scenarios.split()
    for n in names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n}; known: {' '.join(SCENARIOS)}")
    results = run(a.estimator, names, [int(s) for s in a.seeds.split(",")], a.cache, a.jobs, detail=a.detail)
    return 1 if a.check and any(r[3] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
