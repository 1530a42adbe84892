#!/usr/bin/env python3
"""Two builds of timeline on one log, interleaved run by run, medians side by side.

For a change that must not cost speed (issue 11: "within 5%"): both binaries
answer the same questions in turn, so a load that comes and goes on a shared
machine falls on both alike. Each binary gets its own copy of the log (its
cache is its own; a cache names the program that wrote it).

    bench/ab.py BEFORE_BIN AFTER_BIN LOG [--runs 5]

Measures: cold `state --at --json` and cold `diff --json` (cache removed
before each), `check`, a new `state --at D --org O --json` with the cache
present (a different D each time), and the same whole state asked again.
Every run must exit 0.
"""
import argparse, os, shutil, statistics, subprocess, tempfile, time

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("before"); ap.add_argument("after"); ap.add_argument("log")
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--org", default="openai")
args = ap.parse_args()
bins = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
work = tempfile.mkdtemp(prefix="timeline-compare-")
for name in bins:
    os.makedirs(f"{work}/{name}")
    shutil.copy(args.log, f"{work}/{name}/log.jsonl")

def run(name, argv, cold):
    folder = f"{work}/{name}"
    if cold:
        shutil.rmtree(f"{folder}/.timeline-cache", ignore_errors=True)
    env = dict(os.environ, TIMELINE_TODAY="2026-01-31")
    start = time.perf_counter()
    done = subprocess.run([bins[name], "--log", f"{folder}/log.jsonl"] + argv,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: {' '.join(argv)} exited {done.returncode}")
    return elapsed

times = {}
def measure(label, argv_of, runs, cold=False):
    for i in range(runs):
        for name in bins:
            times.setdefault(label, {}).setdefault(name, []).append(run(name, argv_of(i), cold))

dates = [f"2025-{m:02d}-{d:02d}" for m in (3, 5, 7, 9, 11) for d in (3, 13, 23)]
measure("cold state --at --json", lambda i: ["state", "--at", "2025-12-10", "--json"], args.runs, cold=True)
measure("cold diff --json", lambda i: ["diff", "2025-11-01", "2025-12-10", "--json"], args.runs, cold=True)
measure("check", lambda i: ["check"], max(3, args.runs // 2))
measure("new state --at D --org O (cache present)",
        lambda i: ["state", "--at", dates[i % len(dates)], "--org", args.org, "--json"], min(args.runs + 2, len(dates)))
measure("the same state asked again", lambda i: ["state", "--at", "2025-12-10", "--json"], args.runs + 2)
shutil.rmtree(work)

print(f"{'measure (median, s)':42s} {'before':>8s} {'after':>8s} {'after/before':>13s}")
for label, by in times.items():
    before, after = statistics.median(by["before"]), statistics.median(by["after"])
    print(f"{label:42s} {before:8.3f} {after:8.3f} {after / before:13.3f}")
