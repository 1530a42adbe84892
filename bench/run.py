#!/usr/bin/env python3
"""The benchmark of issues 4 and 15: timeline against the cat floor and the peers.

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
  `lineage --json`, `log --org X --json` (the busiest org), `check`,
  `strategy --json` (the largest answer), `news --since TO --json` and
  `why PRODUCT --json` (a product of that org);
* `add` into a copy of the large log and into an empty log, --add-runs each;
* issue 15's new questions, each asked once with the projection cache present
  and never asked before (the cache is removed and filled again by one other
  question first, and no arguments repeat): `state --at D --org O --json` for
  7 dates x 7 orgs (the busiest), `state --at D --json` for 7 other dates, 7
  `diff A B --org O --json`, 7 whole `diff A B --json`, 7 `log --org O
  --json`, 7 `why PRODUCT --json` and 7 `news --since T --json`; then, on the copy with its cache present,
  --append-rounds rounds of one `add` and a new `state --at D --org O --json`.
  Each row is the median over its questions, as a ratio to `cat`, beside the
  issue's target; the peak memory is that of one more question of the kind,
  run under GNU time. Every answer is compared byte for byte with a cold
  replay: the same arguments on the same file (a hard link in
  run-SIZE/cold/, whose cache is removed before each run);
* the peers: Python with orjson and with json (bench/peers/fold.py), jq
  (bench/peers/fold.jq), SQLite's load (once) and its as-of query.

It then checks that the answers agree: timeline's `state --json` against the
Python fold in every section, confidences included (bench/peers/compare.py),
the same once more with `--min-confidence confirmed` (untimed), and every
peer's product statuses against the fold, and every new question's answer
against its cold replay. It prints Markdown tables (medians, peak memory,
ratios to the peers and to the floor, and the issue's targets met or missed),
and writes them with the raw numbers to bench/out/results.md and .json.
Exit status 1 if any answers disagree.
"""

import argparse
import datetime
import json
import os
import platform
import re
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

def last_recorded_day(path):
    """The day of the last line's `recorded` (a file's times increase, so its latest)."""
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 65536))
        lines = f.read().splitlines()
    for line in reversed(lines):
        at = line.find(b'"recorded":"')
        if at >= 0:
            return line[at + 12:at + 22].decode()
    return None


def first_product(path, org):
    """The first product launched by `org` in the log (the key of the `why` row)."""
    needle = '"kind":"launch","org":"%s","subject":"' % org
    with open(path, encoding="utf-8") as f:
        for line in f:
            at = line.find(needle)
            if at >= 0:
                rest = line[at + len(needle):]
                return rest[:rest.index('"')]
    return None


def busiest_orgs(path, k, first=None):
    """The k busiest orgs of a sample of the log (its first and last 16 MB), `first` first."""
    counts = {}
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        spans = [(0, min(size, 16 << 20))]
        if size > 32 << 20:
            spans.append((size - (16 << 20), 16 << 20))
        for start, length in spans:
            f.seek(start)
            for m in re.finditer(rb'"org":"([a-z0-9-]+)"', f.read(length)):
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    orgs = [o.decode() for o in sorted(counts, key=lambda o: (-counts[o], o))]
    if first in orgs:
        orgs.remove(first)
        orgs.insert(0, first)
    return orgs[:k]


def first_products(path, orgs):
    """The first product launched by each org, in one pass that stops when all are found."""
    found = {}
    needles = {o: '"kind":"launch","org":"%s","subject":"' % o for o in orgs}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if '"kind":"launch"' not in line:
                continue
            for o, needle in needles.items():
                if o in found:
                    continue
                at = line.find(needle)
                if at >= 0:
                    rest = line[at + len(needle):]
                    found[o] = rest[:rest.index('"')]
            if len(found) == len(orgs):
                break
    return [found[o] for o in orgs if o in found]


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
    new, cold = [], None
    log("\n%s events, %.0f MB (%s), at %s, diff %s %s, log --org %s" % (
        format(n, ","), meta["bytes"] / 1e6, path, at, frm, to, org))

    def m(key, name, cmd, r, **kw):
        res[key] = measure(name, cmd, r, log=log, **kw)
        return res[key]

    # Page cache warm for everybody.
    run_once(["cat", path])
    # The baseline every new question is a ratio to: cheap, so never fewer than 9 runs.
    m("cat", "cat LOG > /dev/null", ["cat", path], max(runs, 9))

    if a.bin:
        queries = [
            ("state", "timeline state --at %s --json" % at, ["state", "--at", at, "--json"], (0,)),
            ("diff", "timeline diff %s %s --json" % (frm, to), ["diff", frm, to, "--json"], (0,)),
            ("lineage", "timeline lineage --json", ["lineage", "--json"], (0,)),
            ("log", "timeline log --org %s --json" % org, ["log", "--org", org, "--json"], (0,)),
            ("check", "timeline check", ["check"], (0,)),
            # Every org's whole focus twice per shift: the largest answer (180 MB at 1M).
            ("strategy", "timeline strategy --json", ["strategy", "--json"], (0,)),
        ]
        # What was recorded on the log's last day (--since, so the mark never moves).
        since = last_recorded_day(path)
        if since:
            queries.append(("news", "timeline news --since %s --at %s --json" % (since, at),
                            ["news", "--since", since, "--at", at, "--json"], (0,)))
        product = first_product(path, org)
        if product:
            queries.append(("why", "timeline why %s --at %s --json" % (product, at), ["why", product, "--at", at, "--json"], (0,)))
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

        # Issue 15: new questions, on the unchanged log and right after an append.
        new, cold, orgs = new_questions(a, path, meta, work, {tuple(q[2]) for q in queries}, log)
        new += after_append(a, big, at, orgs, add_cmd, cold, work, log)
        log("  answers equal to a cold replay: %d of %d" % (cold.equal, cold.equal + len(cold.differ)))
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
    agreed = [(w, r.returncode == 0) for w, r in agree]
    if cold:
        agreed.append(("every new question's answer vs a cold replay (%d of %d equal)" % (
            cold.equal, cold.equal + len(cold.differ)), not cold.differ))
    return {"events": n, "bytes": meta["bytes"], "meta": meta, "results": res, "new": new,
            "cold_differ": cold.differ if cold else [], "agree": agreed}


# ------------------------------------------------------------------ new questions

# Issue 15: what an analyst feels. Each question below is asked once, with the
# projection cache present, and is new: its arguments differ from every other
# question of the run, and the cache (with any answers kept in it) is removed
# and filled again by one other question just before. The eighth entry of each
# list is one more question of the same kind, run under GNU time for the peak
# memory and left out of the median.
GRID_DATES = ["2025-11-17", "2025-06-30", "2024-12-15", "2024-03-31", "2023-08-08", "2021-05-20",
              "2017-10-01", "2025-12-01"]
WHOLE_DATES = ["2025-12-05", "2025-09-15", "2025-02-28", "2024-07-04", "2023-01-31", "2020-06-15",
               "2015-04-01", "2025-10-20"]
DIFF_PAIRS = [("2025-06-30", "2025-12-31"), ("2024-12-31", "2025-06-30"), ("2023-12-31", "2024-12-31"),
              ("2025-09-30", "2025-11-30"), ("2020-01-01", "2025-01-01"), ("2022-06-30", "2023-06-30"),
              ("2025-11-01", "2025-12-01"), ("2024-06-30", "2025-12-10")]
APPEND_DATES = ["2025-12-08", "2025-10-31", "2025-07-15", "2025-03-31", "2024-09-30", "2023-05-15",
                "2019-12-31", "2025-12-03"]


class Asked:
    """One kind of new question: each asked once; the median is over the questions."""

    def __init__(self, key, name, target):
        self.key, self.name, self.target = key, name, target
        self.walls, self.rss, self.ok, self.questions = [], 0, True, []

    @property
    def median(self):
        return statistics.median(self.walls)

    def as_dict(self):
        return {"name": self.name, "median_s": self.median, "min_s": min(self.walls),
                "max_s": max(self.walls), "asked": len(self.walls), "walls_s": self.walls,
                "peak_rss_kb": self.rss, "ok": self.ok, "target_x_cat": self.target,
                "questions": self.questions}


def link_or_copy(src, dst):
    """dst: the same file as src under another folder (a hard link; a copy where links fail)."""
    if os.path.lexists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class ColdCheck:
    """Compares answers with a cold replay: the same arguments on the same bytes,
    through a hard link in a folder of its own whose cache is removed before each run."""

    def __init__(self, a, work, log):
        self.a, self.log = a, log
        self.dir = os.path.join(work, "cold")
        os.makedirs(self.dir, exist_ok=True)
        self.equal, self.differ = 0, []

    def path(self, log_path):
        return os.path.join(self.dir, os.path.basename(log_path))

    def check(self, log_path, args, out, code):
        cold = self.path(log_path)
        if not os.path.exists(cold) or (not os.path.samefile(cold, log_path)
                                        and os.path.getsize(cold) != os.path.getsize(log_path)):
            link_or_copy(log_path, cold)  # a copy that the log outgrew, or a file replaced
        clear_cache(cache_paths(cold, self.a.cache_dir))
        cold_out = out + ".cold"
        _, _, cold_code = run_once([self.a.bin, "--log", cold] + args, cold_out)
        with open(out, "rb") as f1, open(cold_out, "rb") as f2:
            warm_bytes, cold_bytes = f1.read(), f2.read()
        if cold_code == code == 0 and warm_bytes == cold_bytes:
            self.equal += 1
            os.remove(out)
            os.remove(cold_out)
            return True
        at = next((i for i, (x, y) in enumerate(zip(warm_bytes, cold_bytes)) if x != y),
                  min(len(warm_bytes), len(cold_bytes)))
        what = "timeline %s: exit %d with the cache, %d cold; answers %s (%d and %d bytes, first difference at byte %d); kept in %s and %s" % (
            " ".join(args), code, cold_code, "equal" if warm_bytes == cold_bytes else "DIFFER",
            len(warm_bytes), len(cold_bytes), at, out, cold_out)
        self.differ.append(what)
        self.log("  DISAGREE with the cold replay: " + what)
        return False


def ask_all(a, rows, log_path, cold, work, log):
    """Asks every question of rows once (timed), then the extra one of each under
    GNU time, then compares every answer with its cold replay."""
    tl = [a.bin, "--log", log_path]
    out_dir = os.path.join(work, "new")
    os.makedirs(out_dir, exist_ok=True)
    asked = []
    for row, questions, extra in rows:
        for i, args in enumerate(questions):
            out = os.path.join(out_dir, "%s-%d.out" % (row.key, i))
            wall, _, code = run_once(tl + args, out)
            row.walls.append(wall)
            row.questions.append(" ".join(args))
            row.ok = row.ok and code == 0
            asked.append((row, args, out, code))
    for row, questions, extra in rows:
        out = os.path.join(out_dir, "%s-extra.out" % row.key)
        row.rss, code = rss_and_status(tl + extra, out)
        row.ok = row.ok and code == 0
        asked.append((row, extra, out, code))
    for row, args, out, code in asked:
        if not cold.check(log_path, args, out, code):
            row.ok = False
    for row, _, _ in rows:
        report_row(row, log)


def rss_and_status(cmd, out):
    """Peak RSS in KB and exit status of one run, by GNU time (see peak_rss), which
    passes the command's exit status on."""
    if not os.path.exists("/usr/bin/time"):
        _, kb, code = run_once(cmd, out)
        return kb, code
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench-rss-%d" % os.getpid())
    _, _, code = run_once(["/usr/bin/time", "-f", "%M", "-o", tmp] + cmd, out)
    with open(tmp) as f:
        kb = int(f.read().split()[-1])
    os.remove(tmp)
    return kb, code


def report_row(row, log):
    log("  %-60s median %8.4f s  min %8.4f s  max %8.4f s  %s  (%d)%s" % (
        row.name, row.median, min(row.walls), max(row.walls),
        "peak %7.1f MB" % (row.rss / 1024) if row.rss else "             ", len(row.walls),
        "" if row.ok else "  FAILED"))


def new_questions(a, path, meta, work, asked_before, log):
    """Issue 15's rows on the unchanged log: each question new, with the cache present.
    asked_before: the arguments of every question the run asked before (none is asked again)."""
    n = a.questions
    at = meta["at"][0]
    why_at = "2025-11-30"
    orgs = busiest_orgs(path, n + 2, meta["top_org"])
    products = first_products(path, orgs[:n + 1])
    since_day = last_recorded_day(path)
    if len(orgs) < n + 2 or len(products) < n + 1 or not since_day:
        raise SystemExit("bench: the log has too few orgs with a launch for %d new questions of each kind" % n)
    # The news windows start 1 to n days before the last recorded day (the old row's is that day).
    last = datetime.date.fromisoformat(since_day)
    sinces = [(last - datetime.timedelta(days=k + 1)).isoformat() for k in range(n + 1)]
    log("  new questions: orgs %s; why keys %s; news since %s..%s" % (
        ", ".join(orgs[:n + 1]), ", ".join(products[:n]), sinces[n - 1], sinces[0]))
    cold = ColdCheck(a, work, log)
    # The link first: making it changes the file's ctime, which a cache may check.
    link_or_copy(path, cold.path(path))
    clear_cache(cache_paths(path, a.cache_dir))
    # The cache present: built by one question that is not among the new ones.
    run_once([a.bin, "--log", path, "state", "--at", at, "--json"])
    st = lambda d, o: ["state", "--at", d, "--org", o, "--json"]
    rows = [
        (Asked("org", "`state --at D --org O --json` (%d dates x %d orgs)" % (n, n), 1),
         [st(d, o) for d in GRID_DATES[:n] for o in orgs[:n]], st(GRID_DATES[7], orgs[0])),
        (Asked("whole", "`state --at D --json` (whole state, %d dates)" % n, 4),
         [["state", "--at", d, "--json"] for d in WHOLE_DATES[:n]], ["state", "--at", WHOLE_DATES[7], "--json"]),
        (Asked("diff", "`diff A B --org O --json`", 1),
         [["diff", f, t, "--org", o, "--json"] for (f, t), o in zip(DIFF_PAIRS[:n], orgs)],
         ["diff", DIFF_PAIRS[7][0], DIFF_PAIRS[7][1], "--org", orgs[n], "--json"]),
        (Asked("wholediff", "`diff A B --json` (whole state)", None),
         [["diff", f, t, "--json"] for f, t in DIFF_PAIRS[:n]], ["diff", DIFF_PAIRS[7][0], DIFF_PAIRS[7][1], "--json"]),
        # The busiest org's `log --org` was asked above: the next n orgs.
        (Asked("log", "`log --org O --json`", 1),
         [["log", "--org", o, "--json"] for o in orgs[1:n + 1]], ["log", "--org", orgs[n + 1], "--json"]),
        (Asked("why", "`why PRODUCT --at %s --json`" % why_at, 2),
         [["why", p, "--at", why_at, "--json"] for p in products[:n]],
         ["why", products[n], "--at", why_at, "--json"]),
        (Asked("news", "`news --since T --at %s --json` (T: %d days)" % (at, n), 2),
         [["news", "--since", t, "--at", at, "--json"] for t in sinces[:n]],
         ["news", "--since", sinces[n], "--at", at, "--json"]),
    ]
    every = [tuple(q) for _, qs, extra in rows for q in qs + [extra]]
    assert len(every) == len(set(every)) and not set(every) & asked_before, "a question asked twice"
    ask_all(a, rows, path, cold, work, log)
    os.remove(cold.path(path))
    clear_cache(cache_paths(cold.path(path), []))
    return [row for row, _, _ in rows], cold, orgs


def after_append(a, big, at, orgs, add_cmd, cold, work, log):
    """Issue 15's "after one append" rows: an `add` into a log whose cache is
    present, then a new `--org` question; --append-rounds rounds, and one more
    under GNU time for the peak memory."""
    rounds = a.append_rounds
    pairs = [(d, orgs[(i + q) % len(orgs)]) for q in range(len(orgs)) for i, d in enumerate(APPEND_DATES)]
    if rounds + 1 > len(pairs):
        raise SystemExit("bench: at most %d --append-rounds" % (len(pairs) - 1))
    pairs = pairs[:rounds + 1]
    link_or_copy(big, cold.path(big))
    clear_cache(cache_paths(big, a.cache_dir))
    run_once([a.bin, "--log", big, "state", "--at", at, "--json"])  # the cache present
    row = Asked("append", "`state --at D --org O --json` after one `add`", 2)
    adds = Asked("append_add", "the `add` before it (cache present)", None)
    out = os.path.join(work, "new", "append.out")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    for i, (d, o) in enumerate(pairs):
        args = ["state", "--at", d, "--org", o, "--json"]
        wall, _, code = run_once(add_cmd(big))
        ok = code == 0
        if i < rounds:
            adds.walls.append(wall)
            wall, _, code = run_once([a.bin, "--log", big] + args, out)
            row.walls.append(wall)
            row.questions.append(" ".join(args))
        else:
            row.rss, code = rss_and_status([a.bin, "--log", big] + args, out)
        ok = ok and code == 0 and cold.check(big, args, out, code)
        row.ok = row.ok and ok
    report_row(row, log)
    report_row(adds, log)
    os.remove(cold.path(big))
    clear_cache(cache_paths(cold.path(big), []))
    return [row, adds]


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


def target_helpers(results, rows):
    """`get(key)`: a measure's median (None when not measured); `row(...)`:
    one line of a targets table, met or missed. Shared by both target tables."""
    def get(k):
        return results[k].median if k in results else None

    def row(what, target, value, ok):
        rows.append("| %s | %s | %s | %s |" % (what, target, value, "met" if ok else "**missed**"))

    return get, row


def targets(size):
    """The targets of issue 4, at this size (they are set for 1M events)."""
    r = size["results"]
    rows = []
    get, row = target_helpers(r, rows)

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
    for k, name in (("news_warm", "warm `news`"), ("why_warm", "warm `why`")):
        if get(k) is not None:
            row(name, "< 100 ms", fmt_s(get(k)), get(k) < 0.1)
    qs = [res for k, res in r.items() if k.split("_")[0] in ("state", "diff", "lineage", "log", "check", "news", "why", "strategy")]
    if qs:
        worst = max(qs, key=lambda x: x.rss)
        row("peak memory of any query", "< 250 MB", "%.0f MB (%s)" % (worst.rss / 1024, worst.name),
            worst.rss / 1024 < 250)
    if not rows:
        return ""
    return "\n".join(["Targets of issue 4 (set for 1M events), at %s events:" % format(size["events"], ","), "",
                      "| measure | target | measured | |", "|---|---|---|---|"] + rows)


def new_table(size):
    """Issue 15's rows: medians over new questions, as ratios to `cat` beside the targets."""
    rows = size.get("new") or []
    if not rows:
        return ""
    cat = size["results"]["cat"].median
    lines = ["New questions at %s events: each asked once with the cache present, never asked before, "
             "its answer compared with a cold replay; ratios to `cat LOG > /dev/null` (%s); "
             "targets of issue 15 (set for 1M events):" % (format(size["events"], ","), fmt_s(cat)), "",
             "| question | asked | median | min | max | peak memory | x cat | target | |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        x = row.median / cat
        if row.target is None:
            target, verdict = "", ""
        else:
            target = "<= %dx cat" % row.target
            verdict = "met" if x <= row.target else "**missed**"
        if not row.ok:
            verdict = "**FAILED**"
        lines.append("| %s | %d | %s | %s | %s | %s | %.2fx | %s | %s |" % (
            row.name, len(row.walls), fmt_s(row.median), fmt_s(min(row.walls)), fmt_s(max(row.walls)),
            "%.0f MB" % (row.rss / 1024) if row.rss else "", x, target, verdict))
    return "\n".join(lines)


def targets15(size):
    """The rest of issue 15's targets (the new questions' are in new_table)."""
    r = size["results"]
    rows = []
    get, row = target_helpers(r, rows)

    s, o = get("state_cold"), get("orjson")
    if s and o:
        row("cold `state --at` vs Python/orjson", ">= 10x faster", "%.1fx" % (o / s), o / s >= 10)
    if get("check_cold") is not None:
        row("`check`", "< 2.5 s", fmt_s(get("check_cold")), get("check_cold") < 2.5)
    b, e = get("add_big"), get("add_empty")
    if b is not None:
        row("`add` to this log", "< 10 ms", fmt_s(b), b < 0.010)
    if b is not None and e:
        row("`add` here vs empty log", "<= 1.5x", "%.2fx" % (b / e), b / e <= 1.5)
    qs = [(res.rss, res.name) for k, res in r.items()
          if k.split("_")[0] in ("state", "diff", "lineage", "log", "check", "news", "why", "strategy")]
    qs += [(res.rss, res.name) for res in size.get("new") or [] if res.rss]
    if qs:
        limit = 1024 if size["events"] >= 10_000_000 else 250
        worst = max(qs)
        row("peak memory of any query", "< %d MB" % limit, "%.0f MB (%s)" % (worst[0] / 1024, worst[1]),
            worst[0] / 1024 < limit)
    if size.get("new"):
        differ = len(size["cold_differ"])
        row("answers equal to a cold replay", "all", "all" if not differ else "%d differ" % differ, not differ)
    if not rows:
        return ""
    return "\n".join(["Other targets of issue 15 (set for 1M events), at %s events:" % format(size["events"], ","), "",
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
    ap.add_argument("--questions", type=int, default=7, choices=range(1, 8), metavar="N",
                    help="new questions of each kind: N dates x N orgs of `state --org`, N whole states, "
                         "N of diff, log, why and news (1 to 7; default 7)")
    ap.add_argument("--append-rounds", type=int, default=7,
                    help="rounds of `add` then a new --org question (default 7)")
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
        for t in (new_table(size), targets15(size)):
            if t:
                report_lines += [t, ""]
    report = "\n".join(report_lines)
    print("\n" + report)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"started": started, "machine": machine(), "argv": sys.argv[1:],
                   "sizes": [{"events": s["events"], "bytes": s["bytes"], "agree": s["agree"],
                              "results": {k: v.as_dict() for k, v in s["results"].items()},
                              "new_questions": [v.as_dict() for v in s["new"]],
                              "cold_replay_differs": s["cold_differ"]}
                             for s in sizes]}, f, indent=1)
    failed = [w for s in sizes for w, ok in s["agree"] if not ok]
    failed += [r.name for s in sizes for r in s["results"].values() if not r.ok]
    failed += [r.name for s in sizes for r in s["new"] if not r.ok]
    if failed:
        print("\nFAILED: " + "; ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
