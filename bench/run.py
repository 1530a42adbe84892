#!/usr/bin/env python3
"""The benchmark of issue 4: timeline against the cat floor and the peers.

    python3 bench/run.py --bin .build/release/timeline [--sizes 100k,1m] [--runs 5]
    python3 bench/run.py --smoke --bin ...     # tiny and quick, for CI

(bench/run.sh installs what is missing, builds the binary and calls this.)

For each size it generates the log once (bench/generate.py, cached under
bench/out/ with its seed), then times, each as the median of --runs runs with
the peak RSS of the process (os.wait4's ru_maxrss), all on the same file with
the page cache warm:

* `cat LOG > /dev/null`, the floor;
* timeline cold (projection cache removed before every run) and warm (after a
  first run filled it): `state --at D --json`, `diff FROM TO --json`,
  `lineage --json`, `log --org X --json` (the busiest org), and `check`;
* `add` into a copy of the large log and into an empty log, --add-runs each;
* the peers: Python with orjson and with json (bench/peers/fold.py), jq
  (bench/peers/fold.jq), SQLite's load (once) and its as-of query.

It then checks that the answers agree: timeline's `state --json` against the
Python fold in every section, confidences included (bench/peers/compare.py),
the same once more with `--min-confidence confirmed` (untimed), and every
peer's product statuses against the fold. It prints Markdown tables (medians, peak memory,
ratios to the peers and to the floor, and the issue's targets met or missed),
and writes them with the raw numbers to bench/out/results.md and .json.
Exit status 1 if any answers disagree.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}


def parse_size(s):
    s = s.strip().lower()
    if s in SIZES:
        return SIZES[s]
    return int(float(s))


def size_name(n):
    for k, v in SIZES.items():
        if v == n:
            return k.upper() if k.endswith("m") else k
    return str(n)


# ------------------------------------------------------------------ timing

def run_once(cmd, stdout_path=None, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in KB, exit status)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path:
            out.close()
    return wall, ru.ru_maxrss, p.returncode


class Result:
    def __init__(self, name, walls, rss, ok=True, note=""):
        self.name, self.walls, self.rss, self.ok, self.note = name, walls, rss, ok, note

    @property
    def median(self):
        return statistics.median(self.walls)

    def as_dict(self):
        return {"name": self.name, "median_s": self.median, "min_s": min(self.walls),
                "runs": len(self.walls), "walls_s": self.walls, "peak_rss_kb": self.rss,
                "ok": self.ok, "note": self.note}


def peak_rss(cmd, stdout_path=None, env=None):
    """Peak RSS in KB of one run of cmd, measured by GNU time.

    os.wait4's ru_maxrss is no good for this: the child starts as a
    (v)fork of this Python process, and Linux keeps that copy's high-water
    mark, so even `cat` would show ~16 MB. GNU time is a small C program.
    """
    if not os.path.exists("/usr/bin/time"):
        return run_once(cmd, stdout_path, env)[1]
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench-rss-%d" % os.getpid())
    run_once(["/usr/bin/time", "-f", "%M", "-o", tmp] + cmd, stdout_path, env)
    with open(tmp) as f:
        kb = int(f.read().split()[-1])
    os.remove(tmp)
    return kb


def measure(name, cmd, runs, before=None, stdout_path=None, ok_codes=(0,), env=None, log=print):
    """Median wall time of `runs` runs, then one more run for the peak RSS."""
    walls, ok = [], True
    for _ in range(runs):
        if before:
            before()
        wall, _, code = run_once(cmd, stdout_path, env)
        walls.append(wall)
        if code not in ok_codes:
            ok = False
    if before:
        before()
    rss = peak_rss(cmd, stdout_path, env)
    res = Result(name, walls, rss, ok, "" if ok else "exit status %d" % code)
    log("  %-44s median %8.4f s  min %8.4f s  peak %7.1f MB%s" % (
        name, res.median, min(walls), rss / 1024, "" if ok else "  FAILED (%s)" % res.note))
    return res


# ------------------------------------------------------------------ the runs

def ensure_log(n, seed, out_dir, log):
    path = os.path.join(out_dir, "bench-%s-s%d.jsonl" % (size_name(n).lower(), seed))
    meta_path = path + ".meta.json"
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("events") == n and meta.get("seed") == seed and os.path.getsize(path) == meta.get("bytes"):
            return path, meta
    log("generating %d events -> %s" % (n, path))
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--events", str(n),
                    "--seed", str(seed), "--out", path], check=True)
    with open(meta_path) as f:
        return path, json.load(f)


def cache_paths(log_path, extra):
    """Where timeline may keep its projection cache for log_path.

    DESIGN.md/issue 4 say only "a folder that git ignores" (.timeline-cache/ in
    .gitignore); removed here: .timeline-cache beside the log and inside a
    folder log, plus any --cache-dir given.
    """
    d = os.path.dirname(os.path.abspath(log_path))
    paths = [os.path.join(d, ".timeline-cache"), os.path.join(os.path.abspath(log_path), ".timeline-cache")]
    return paths + list(extra)


def clear_cache(paths):
    for p in paths:
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def bench_size(a, n, log):
    out_dir = a.out
    path, meta = ensure_log(n, a.seed, out_dir, log)
    work = os.path.join(out_dir, "run-%s" % size_name(n).lower())
    os.makedirs(work, exist_ok=True)
    at = meta["at"][0]
    frm, to = meta["diff"]
    org = meta["top_org"]
    runs = a.runs
    peer_runs = a.peer_runs if a.peer_runs is not None else runs
    caches = cache_paths(path, a.cache_dir)
    tl = [a.bin, "--log", path]
    res = {}
    log("\n%s events, %.0f MB (%s), at %s, diff %s %s, log --org %s" % (
        format(n, ","), meta["bytes"] / 1e6, path, at, frm, to, org))

    def m(key, name, cmd, r, **kw):
        res[key] = measure(name, cmd, r, log=log, **kw)
        return res[key]

    # Page cache warm for everybody.
    run_once(["cat", path])
    m("cat", "cat LOG > /dev/null", ["cat", path], runs)

    if a.bin:
        queries = [
            ("state", "timeline state --at %s --json" % at, ["state", "--at", at, "--json"], (0,)),
            ("diff", "timeline diff %s %s --json" % (frm, to), ["diff", frm, to, "--json"], (0,)),
            ("lineage", "timeline lineage --json", ["lineage", "--json"], (0,)),
            ("log", "timeline log --org %s --json" % org, ["log", "--org", org, "--json"], (0,)),
            ("check", "timeline check", ["check"], (0,)),
        ]
        for key, name, args, codes in queries:
            m(key + "_cold", name + " (cold)", tl + args, runs, before=lambda: clear_cache(caches),
              stdout_path=os.path.join(work, "timeline-%s.out" % key), ok_codes=codes)
        for key, name, args, codes in queries:
            if key == "check":
                continue  # check rebuilds the cache: it has no warm case
            run_once(tl + args)  # fills the cache
            m(key + "_warm", name + " (warm)", tl + args, runs,
              stdout_path=os.path.join(work, "timeline-%s.out" % key), ok_codes=codes)

        big = os.path.join(work, "add-big.jsonl")
        small = os.path.join(work, "add-empty.jsonl")
        shutil.copyfile(path, big)
        clear_cache(cache_paths(big, []))
        if os.path.exists(small):
            os.remove(small)
        counter = [0]

        def add_cmd(target):
            counter[0] += 1
            return [a.bin, "--log", target, "add", "report", "--date", at, "--org", "bench",
                    "--note", "benchmark append %d" % counter[0], "--source-title", "bench"]

        for key, name, target in (("add_big", "timeline add (into this log)", big),
                                  ("add_empty", "timeline add (into an empty log)", small)):
            walls, ok = [], True
            for _ in range(a.add_runs):
                w, _, code = run_once(add_cmd(target))
                walls.append(w)
                ok = ok and code == 0
            rss = peak_rss(add_cmd(target))
            res[key] = Result(name, walls, rss, ok)
            log("  %-44s median %8.4f s  min %8.4f s  peak %7.1f MB%s" % (
                name, res[key].median, min(walls), rss / 1024, "" if ok else "  FAILED"))
        os.remove(big)
        clear_cache(cache_paths(big, []))

    peers_here = not a.no_peers and (n < 10_000_000 or a.peers_10m)
    if peers_here:
        py = sys.executable
        m("orjson", "Python + orjson fold", [py, os.path.join(PEERS, "fold_orjson.py"), path, at, "--state"],
          peer_runs, stdout_path=os.path.join(work, "orjson.out"))
        m("json", "Python + json fold", [py, os.path.join(PEERS, "fold_json.py"), path, at, "--state"],
          peer_runs, stdout_path=os.path.join(work, "json.out"))
        if shutil.which("jq"):
            m("jq", "jq fold (product statuses)", ["jq", "-c", "-n", "--arg", "at", at, "-f",
                                                   os.path.join(PEERS, "fold.jq"), path],
              peer_runs, stdout_path=os.path.join(work, "jq.out"))
        db = os.path.join(work, "events.sqlite")
        sq = os.path.join(PEERS, "sqlite_fold.py")
        m("sqlite_load", "SQLite load (JSON lines -> table)", [py, sq, "load", path, db], 1)
        m("sqlite_query", "SQLite as-of query (product statuses)", [py, sq, "query", db, at],
          peer_runs, stdout_path=os.path.join(work, "sqlite.out"))

    # Do the answers agree?
    agree = []
    ref = os.path.join(work, "orjson.out")
    cmp_ = [sys.executable, os.path.join(PEERS, "compare.py")]
    if peers_here:
        if a.bin:
            agree.append(("timeline state vs Python fold (every section)",
                          subprocess.run(cmp_ + [ref, os.path.join(work, "timeline-state.out")],
                                         capture_output=True, text=True)))
            # The same with --min-confidence confirmed (untimed, once each): the
            # replay as if the log held only confirmed events, so rumored and
            # reported retractions and corrections drop out and their targets stand.
            sure = [os.path.join(work, "%s-confirmed.out" % k) for k in ("orjson", "timeline-state")]
            run_once([sys.executable, os.path.join(PEERS, "fold_orjson.py"), path, at, "--state",
                      "--min-confidence", "confirmed"], stdout_path=sure[0])
            run_once(tl + ["state", "--at", at, "--json", "--min-confidence", "confirmed"], stdout_path=sure[1])
            agree.append(("the same with --min-confidence confirmed",
                          subprocess.run(cmp_ + sure, capture_output=True, text=True)))
        for k in ("json", "jq", "sqlite"):
            p = os.path.join(work, k + ".out")
            if os.path.exists(p):
                agree.append(("%s vs Python/orjson (product statuses)" % k,
                              subprocess.run(cmp_ + [ref, p, "--products-only"], capture_output=True, text=True)))
    for what, r in agree:
        last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
        log("  agree? %-50s %s" % (what, last if r.returncode == 0 else "NO: " + r.stdout.strip()))
    return {"events": n, "bytes": meta["bytes"], "meta": meta, "results": res,
            "agree": [(w, r.returncode == 0) for w, r in agree]}


# ------------------------------------------------------------------ report

def fmt_s(x):
    if x < 0.1:
        return "%.1f ms" % (x * 1000)
    return "%.2f s" % x


def ratio(x, y):
    if not x or not y:
        return ""
    return "%.1fx" % (x / y)


def table(size):
    r = size["results"]
    cat = r["cat"].median if "cat" in r else None
    orj = r["orjson"].median if "orjson" in r else None
    sql = r["sqlite_query"].median if "sqlite_query" in r else None
    lines = ["### %s events (%.0f MB, %.0f bytes a line)" % (
        format(size["events"], ","), size["bytes"] / 1e6, size["bytes"] / size["events"]), "",
        "| what | median | peak memory | x cat floor | orjson fold / this | SQLite query / this |",
        "|---|---:|---:|---:|---:|---:|"]
    for key, res in r.items():
        med = res.median
        flag = "" if res.ok else " (FAILED: %s)" % (res.note or "exit status")
        lines.append("| %s%s | %s | %.0f MB | %s | %s | %s |" % (
            res.name, flag, fmt_s(med), res.rss / 1024,
            ratio(med, cat) if key != "cat" else "1x",
            ratio(orj, med) if key not in ("orjson", "cat") else "",
            ratio(sql, med) if key not in ("sqlite_query", "cat", "sqlite_load") else ""))
    if size["agree"]:
        lines.append("")
    for what, ok in size["agree"]:
        lines.append("- %s: %s" % (what, "agree" if ok else "**DISAGREE**"))
    return "\n".join(lines)


def targets(size):
    """The targets of issue 4, at this size (they are set for 1M events)."""
    r = size["results"]
    rows = []

    def get(k):
        return r[k].median if k in r else None

    def row(what, target, value, ok):
        rows.append("| %s | %s | %s | %s |" % (what, target, value, "met" if ok else "**missed**"))

    s, o, q = get("state_cold"), get("orjson"), get("sqlite_query")
    if s and o:
        row("cold `state --at` vs Python/orjson", ">= 10x faster", "%.1fx" % (o / s), o / s >= 10)
    if s and q:
        row("cold `state --at` vs SQLite query", "faster", "%.1fx" % (q / s), q / s > 1)
    for k, name in (("state_warm", "warm `state --at`"), ("diff_warm", "warm `diff`")):
        if get(k) is not None:
            row(name, "< 50 ms", fmt_s(get(k)), get(k) < 0.05)
    b, e = get("add_big"), get("add_empty")
    if b is not None:
        row("`add` to this log", "< 10 ms", fmt_s(b), b < 0.010)
    if b is not None and e:
        row("`add` here vs empty log", "<= 1.5x", "%.2fx" % (b / e), b / e <= 1.5)
    if get("check_cold") is not None:
        row("`check`", "< 3 s", fmt_s(get("check_cold")), get("check_cold") < 3)
    qs = [res for k, res in r.items() if k.split("_")[0] in ("state", "diff", "lineage", "log", "check")]
    if qs:
        worst = max(qs, key=lambda x: x.rss)
        row("peak memory of any query", "< 250 MB", "%.0f MB (%s)" % (worst.rss / 1024, worst.name),
            worst.rss / 1024 < 250)
    if not rows:
        return ""
    return "\n".join(["Targets of issue 4 (set for 1M events), at %s events:" % format(size["events"], ","), "",
                      "| measure | target | measured | |", "|---|---|---|---|"] + rows)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GiB" % (int(f.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    load = ""
    try:
        load = "; load average %.1f at the end (anything above 0 is other work competing for the cores)" % os.getloadavg()[0]
    except OSError:
        pass
    return "%s, %d cores, %s RAM, %s %s, Python %s%s" % (
        cpu or platform.processor(), os.cpu_count(), mem, platform.system(), platform.release(),
        platform.python_version(), load)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="the timeline binary (without it only the floor and the peers run)")
    ap.add_argument("--sizes", default="100k,1m", help="comma-separated: 10k, 100k, 1m, 10m or a number")
    ap.add_argument("--runs", type=int, default=5, help="runs per measure (median)")
    ap.add_argument("--peer-runs", type=int, help="runs per peer (default: --runs)")
    ap.add_argument("--add-runs", type=int, default=30, help="appends per add measure")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--cache-dir", action="append", default=[],
                    help="a path of timeline's projection cache to remove before cold runs")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peers-10m", action="store_true",
                    help="run the peers at 10M events too (the Python folds need ~15 GB there)")
    ap.add_argument("--smoke", action="store_true", help="10k events, 1 run each: a quick end-to-end check")
    a = ap.parse_args()
    if a.smoke:
        a.sizes, a.runs, a.add_runs = "10k", 1, 3
    if a.bin:
        a.bin = os.path.abspath(a.bin)
    os.makedirs(a.out, exist_ok=True)
    report_lines = []

    def log(s):
        print(s, flush=True)

    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sizes = []
    for s in a.sizes.split(","):
        sizes.append(bench_size(a, parse_size(s), log))

    report_lines += ["## Benchmark (%s)" % started, "",
                     "Machine: %s." % machine(),
                     "Command: `bench/run.sh %s`; medians of %d runs (peers %d, add %d), page cache warm; "
                     "cold = projection cache removed before each run." % (
                         " ".join(sys.argv[1:]), a.runs, a.peer_runs or a.runs, a.add_runs), ""]
    for size in sizes:
        report_lines += [table(size), ""]
        t = targets(size)
        if t:
            report_lines += [t, ""]
    report = "\n".join(report_lines)
    print("\n" + report)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"started": started, "machine": machine(), "argv": sys.argv[1:],
                   "sizes": [{"events": s["events"], "bytes": s["bytes"], "agree": s["agree"],
                              "results": {k: v.as_dict() for k, v in s["results"].items()}}
                             for s in sizes]}, f, indent=1)
    failed = [w for s in sizes for w, ok in s["agree"] if not ok]
    failed += [r.name for s in sizes for r in s["results"].values() if not r.ok]
    if failed:
        print("\nFAILED: " + "; ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
