#!/usr/bin/env python3
"""Cache fuzz for `timeline` (issue 10): change the log the way users do, compare every answer with a cold replay.

    python3 stress/cachefuzz.py [--rounds 200] [--bin .build/release/timeline] [--seed S] [--events 12000] [--keep DIR]

A folder log of --events events (large enough for the projection cache) is
changed for --rounds rounds, each by one random step:

  * `add` of one event, `add --stdin` of a batch;
  * an edit in place of one line, of the same length (a date's year, a
    product's slug) or of another length (a date shortened, a note added),
    sometimes with the file's mtime set back to what it was (`os.utime`);
  * the file replaced by `cp -p` of an edited, sometimes longer, copy
    whose mtime is older than the cache;
  * the file truncated (at a line break or inside a line), or deleted and
    written again;
  * a cache file damaged (zeroed, truncated, flipped, emptied, replaced by
    another file of the cache);
  * a new `.jsonl` file added to the folder, sometimes with an old mtime;
  * `.timeline-cache/answers` or a cache file replaced by a symlink to a
    folder outside the log holding canary files;
  * a malformed edit (`"kind":"pawse"`), undone by the next round.

After each step it runs one to three random queries (state, diff, log,
lineage, strategy, why, news --since with random --at, --org, windows,
--json; drawn from a small pool so that queries repeat and kept answers
are used) against the log and
against a cold copy (its .jsonl files copied to a fresh folder, no cache), and
compares them: the same exit code, and the same standard output when it is 0.
It also checks that no query changed any file outside the cache folder (the
log's files and the canary folder).

Prints rounds, queries compared, mismatches, crashes and outside writes, with
the first mismatches in detail; exits 1 on any of them.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, NO_COLOR="1", TIMELINE_LOCK_TIMEOUT="30")
CRASH_CODES = {132, 134, 135, 136, 139}

ORGS = ["openai", "google", "meta", "anthropic"]
SLUGS = list("abcdefg")
PEOPLE = ["ann", "bob", "cy", "dee"]
ROLES = ["CEO", "CTO", "CRO"]


def random_event(rng, year=2024):
    org = rng.choice(ORGS)
    date = "%d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.15:
        date = date[:7]
    kind = rng.choice(["launch", "launch", "pause", "resume", "retire", "throttle", "unthrottle", "hire", "depart",
                       "metric", "codename", "strategy", "report"])
    event = {"date": date, "kind": kind, "org": org, "source": {"title": "fuzz"},
             "confidence": rng.choice(["confirmed", "reported", "reported", "rumor"])}
    subject = org + "/" + rng.choice(SLUGS)
    if kind == "launch":
        event["subject"] = subject
        event["attrs"] = {"type": rng.choice(["model", "product", "feature"])}
        if rng.random() < 0.4:
            event["attrs"]["predecessor"] = org + "/" + rng.choice(SLUGS)
    elif kind in ("pause", "resume", "retire", "unthrottle"):
        event["subject"] = subject
    elif kind == "throttle":
        event["subject"] = subject
        event["attrs"] = {"limit": "2 a day"}
    elif kind in ("hire", "depart"):
        event["subject"] = rng.choice(PEOPLE)
        event["attrs"] = {"role": rng.choice(ROLES)}
    elif kind == "metric":
        event["attrs"] = {"name": rng.choice(["users", "valuation"]), "value": rng.randint(1, 10 ** 9), "unit": "USD"}
    elif kind == "codename":
        event["subject"] = subject
        event["attrs"] = {"codename": rng.choice(["olive", "kiwi", "fig"])}
    elif kind == "strategy":
        event["attrs"] = {"focus": [subject], "label": rng.choice(["code red", "ship it"])}
    else:
        event["attrs"] = {"n": rng.randint(0, 10 ** 6)}
    return event


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Fuzz:
    def __init__(self, binary, base, rng, events):
        self.bin, self.base, self.rng = binary, base, rng
        self.log = os.path.join(base, "world", "events")
        self.canary = os.path.join(base, "world", "canary")
        os.makedirs(self.log)
        os.makedirs(self.canary)
        for name in ("precious.txt", "log.jsonl.facts", "answers"):
            with open(os.path.join(self.canary, name), "w") as f:
                f.write("canary %s\n" % name)
        self.rounds = self.queries = self.crashes = self.outside = self.differ = 0
        self.outside_queries = []
        self.pending_unlink = None  # a symlink planted in the cache folder, removed the next round
        self.verbose = False
        self.mismatches = []
        self.history = []
        self.pending_fix = None  # (file, offset, original bytes) of a malformed edit to undo
        payload = "".join(json.dumps(random_event(rng)) + "\n" for _ in range(events))
        result = self.timeline(["add", "--stdin"], stdin=payload)
        if result.returncode != 0:
            raise SystemExit("cannot build the log: %s" % result.stderr.decode()[:500])

    # -- running timeline

    def timeline(self, args, log=None, stdin=None):
        return subprocess.run([self.bin, "--log", log or self.log] + args, input=(stdin or "").encode(),
                              capture_output=True, env=ENV)

    def files(self):
        return sorted(name for name in os.listdir(self.log)
                      if name.endswith(".jsonl") and os.path.isfile(os.path.join(self.log, name))
                      and not os.path.islink(os.path.join(self.log, name)))

    def outside_state(self):
        """Every file outside the cache folder (log folder and canary), by content, without following links."""
        state = {}
        for top in (self.log, self.canary):
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = [d for d in dirnames if d != ".timeline-cache" and not os.path.islink(os.path.join(dirpath, d))]
                for name in filenames + [d for d in os.listdir(dirpath) if os.path.islink(os.path.join(dirpath, d))]:
                    path = os.path.join(dirpath, name)
                    if os.path.islink(path):
                        state[path] = "link:" + os.readlink(path)
                    elif os.path.isfile(path):
                        state[path] = digest(path)
        return state

    def cold(self, args):
        folder = tempfile.mkdtemp(dir=self.base, prefix="cold-")
        copy = os.path.join(folder, "events")
        os.makedirs(copy)
        try:
            for name in self.files():
                shutil.copyfile(os.path.join(self.log, name), os.path.join(copy, name))
            result = self.timeline(args, log=copy)
            return result.returncode, result.stdout.replace(copy.encode(), self.log.encode()), result.stderr
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # -- queries

    DATES = ["2023", "2024-01", "2024-02-15", "2024-03", "2024-06-30", "2024", "2025-12-31", "2026-06"]

    def random_query(self):
        rng = self.rng
        command = rng.choice(["state", "state", "diff", "log", "log", "lineage", "strategy", "why", "news"])
        args = [command]
        if command == "state":
            if rng.random() < 0.8:
                args += ["--at", rng.choice(self.DATES)]
        elif command == "diff":
            first, second = sorted(rng.sample(range(len(self.DATES)), 2))
            args += [self.DATES[first], self.DATES[second]]
        elif command == "log":
            if rng.random() < 0.6:
                first, second = sorted(rng.sample(range(len(self.DATES)), 2))
                args += ["--from", self.DATES[first], "--to", self.DATES[second]]
            if rng.random() < 0.3:
                args += ["--kind", rng.choice(["launch", "pause", "hire"])]
        elif command == "lineage":
            if rng.random() < 0.7:
                args += ["--at", rng.choice(self.DATES)]
        elif command == "news":
            args += ["--since", rng.choice(["2000-01-01", "2026-01-01", "yesterday"])]
            if rng.random() < 0.7:
                args += ["--at", rng.choice(self.DATES)]
        elif command == "why":
            args.append(rng.choice([rng.choice(ORGS) + "/" + rng.choice(SLUGS), rng.choice(PEOPLE), rng.choice(ROLES)]))
            if rng.random() < 0.7:
                args += ["--at", rng.choice(self.DATES)]
        if command in ("state", "diff", "log", "why", "news") and rng.random() < 0.4:
            args += ["--org", rng.choice(ORGS)]
        if rng.random() < 0.7:
            args.append("--json")
        return args

    def compare(self, args):
        before = self.outside_state()
        warm = self.timeline(args)
        after = self.outside_state()
        status, stdout, stderr = self.cold(args)
        self.queries += 1
        if warm.returncode < 0 or warm.returncode in CRASH_CODES:
            self.crashes += 1
        if before != after:
            self.outside += 1
            self.outside_queries.append(args)
            changed = sorted(set(before) ^ set(after) | {k for k in before if k in after and before[k] != after[k]})
            self.report("query changed files outside the cache folder: %s" % changed[:6], args, warm, (status, stdout, stderr))
        if warm.returncode != status or (status == 0 and warm.stdout != stdout):
            self.differ += 1
            self.report("differs from a cold replay", args, warm, (status, stdout, stderr))

    def report(self, what, args, warm, cold):
        status, stdout, stderr = cold
        a, b = warm.stdout, stdout
        index = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        self.mismatches.append({
            "round": self.rounds, "what": what, "query": args, "steps": self.history[-4:],
            "got": "exit %d, %d bytes, %r, stderr %r" % (warm.returncode, len(a), a[max(0, index - 80):index + 60], warm.stderr[:200]),
            "cold": "exit %d, %d bytes, %r, stderr %r" % (status, len(b), b[max(0, index - 80):index + 60], stderr[:200]),
        })

    # -- steps

    def pick_file(self):
        files = self.files()
        return os.path.join(self.log, self.rng.choice(files)) if files else None

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def write_in_place(self, path, data):
        with open(path, "r+b") as f:
            f.write(data)
            f.truncate(len(data))

    def line_span(self, data, pattern):
        """A random line of data matching pattern: (start, end) of the line."""
        starts = [m.start() for m in re.finditer(pattern, data)]
        if not starts:
            return None
        at = self.rng.choice(starts)
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        return start, (len(data) if end < 0 else end)

    def step_add(self):
        event = random_event(self.rng, year=self.rng.choice([2024, 2024, 2025]))
        args = ["add", event["kind"], "--date", event["date"], "--org", event["org"], "--source-title", "fuzz",
                "--confidence", event["confidence"], "--note", "fuzz %d" % self.rng.randint(0, 10 ** 9)]
        if "subject" in event:
            args += ["--subject", event["subject"]]
        for key, value in event.get("attrs", {}).items():
            if not isinstance(value, list):
                args += ["--set", "%s=%s" % (key, value)]
        if event["kind"] == "strategy":
            args += ["--set", "label=fuzz"]
        self.timeline(args)
        return "add %s" % event["kind"]

    def step_batch(self):
        count = self.rng.randint(2, 60)
        payload = "".join(json.dumps(random_event(self.rng, year=self.rng.choice([2024, 2025]))) + "\n" for _ in range(count))
        result = self.timeline(["add", "--stdin"], stdin=payload)
        return "add --stdin of %d (exit %d)" % (count, result.returncode)

    def step_edit_same_length(self, keep_mtime=False):
        path = self.pick_file()
        if not path:
            return "no file to edit"
        before = os.stat(path)
        data = bytearray(self.read(path))
        if self.rng.random() < 0.5:
            span = self.line_span(bytes(data), rb'"date":"20\d\d')
            if not span:
                return "no date to edit"
            at = data.index(b'"date":"20', span[0]) + len(b'"date":"20')
            old = data[at:at + 2]
            data[at:at + 2] = self.rng.choice([b"23", b"24", b"25", b"26"])
            what = "year 20%s -> 20%s" % (old.decode(), data[at:at + 2].decode())
        else:
            span = self.line_span(bytes(data), rb'"subject":"[a-z]+/[a-g]"')
            if not span:
                return "no subject to edit"
            at = data.index(b'"subject":"', span[0])
            at = data.index(b"/", at) + 1
            data[at] = ord(self.rng.choice(SLUGS))
            what = "slug"
        self.write_in_place(path, bytes(data))
        if keep_mtime:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return "same-length edit (%s) at byte %d of %s%s" % (what, at, os.path.basename(path), ", mtime set back" if keep_mtime else "")

    def step_edit_then_add(self):
        """An edit, then an append before any query: the cache's blind spot on main."""
        edit = self.rng.choice([self.step_edit_same_length, self.step_edit_other_length])()
        return "%s, then %s" % (edit, self.rng.choice([self.step_add, self.step_batch])())

    def step_edit_other_length(self):
        path = self.pick_file()
        if not path:
            return "no file to edit"
        data = self.read(path)
        span = self.line_span(data, rb'"date":"20\d\d-\d\d-\d\d"')
        if not span:
            return "no date to edit"
        line = data[span[0]:span[1]]
        if self.rng.random() < 0.5:
            new = re.sub(rb'("date":"20\d\d-\d\d)-\d\d"', rb'\1"', line, count=1)
            what = "date shortened"
        else:
            new = line[:-1] + b',"note":"' + b"n" * self.rng.randint(1, 300) + b'"}'
            what = "note added"
        self.write_in_place(path, data[:span[0]] + new + data[span[1]:])
        return "edit of another length (%s) at byte %d of %s" % (what, span[0], os.path.basename(path))

    def step_cp_p(self):
        path = self.pick_file()
        if not path:
            return "no file"
        copy = os.path.join(self.base, "incoming.jsonl")
        shutil.copyfile(path, copy)
        data = bytearray(self.read(copy))
        span = self.line_span(bytes(data), rb'"date":"20\d\d')
        if span:
            at = data.index(b'"date":"20', span[0]) + len(b'"date":"2')
            data[at + 1] = ord(self.rng.choice("3456"))
        extra = self.rng.randint(0, 5)
        if extra:
            other = os.path.join(self.base, "extra")
            shutil.rmtree(other, ignore_errors=True)
            os.makedirs(other)
            payload = "".join(json.dumps(random_event(self.rng)) + "\n" for _ in range(extra))
            self.timeline(["add", "--stdin"], log=os.path.join(other, "x.jsonl"), stdin=payload)
            data += self.read(os.path.join(other, "x.jsonl"))
        with open(copy, "wb") as f:
            f.write(data)
        old = os.stat(path).st_mtime - self.rng.choice([1, 60, 86400 * 30])
        os.utime(copy, (old, old))
        subprocess.run(["cp", "-p", copy, path], check=True)
        os.unlink(copy)
        return "cp -p of an edited copy with %d more events over %s" % (extra, os.path.basename(path))

    def step_truncate(self):
        path = self.pick_file()
        if not path:
            return "no file"
        data = self.read(path)
        if len(data) < 2:
            return "file too small"
        cut = self.rng.randint(len(data) // 2, len(data) - 1)
        if self.rng.random() < 0.7:
            cut = data.rfind(b"\n", 0, cut) + 1
        with open(path, "r+b") as f:
            f.truncate(cut)
        return "truncate %s to %d of %d" % (os.path.basename(path), cut, len(data))

    def step_recreate(self):
        path = self.pick_file()
        if not path:
            return "no file"
        data = self.read(path)
        os.unlink(path)
        self.queries_between()  # the log without the file
        with open(path, "wb") as f:
            f.write(data)
        return "delete and recreate %s" % os.path.basename(path)

    def step_damage_cache(self):
        cache = os.path.join(self.log, ".timeline-cache")
        candidates = []
        for dirpath, dirnames, filenames in os.walk(cache):
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
            candidates += [os.path.join(dirpath, n) for n in filenames
                           if not os.path.islink(os.path.join(dirpath, n)) and n != ".gitignore"]
        if not candidates:
            return "no cache file"
        facts = [c for c in candidates if c.endswith(".facts")]
        path = self.rng.choice(facts) if facts and self.rng.random() < 0.7 else self.rng.choice(candidates)
        data = bytearray(self.read(path))
        how = self.rng.choice(["zero", "zero", "truncate", "flip", "empty", "other"])
        if how == "zero" and data:
            at = self.rng.randrange(len(data))
            data[at:at + 96] = bytes(min(96, len(data) - at))
        elif how == "truncate" and data:
            data = data[:self.rng.randrange(len(data))]
        elif how == "flip" and data:
            for _ in range(self.rng.randint(1, 8)):
                data[self.rng.randrange(len(data))] ^= self.rng.randint(1, 255)
        elif how == "empty":
            data = bytearray()
        else:
            data = bytearray(self.read(self.rng.choice(candidates)))
        stat = os.stat(path)
        with open(path, "r+b") as f:
            f.write(data)
            f.truncate(len(data))
        if self.rng.random() < 0.5:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        return "damage %s (%s)" % (os.path.relpath(path, self.log), how)

    def step_new_file(self):
        name = "extra%d.jsonl" % self.rng.randint(0, 3)
        path = os.path.join(self.log, name)
        if os.path.exists(path):
            return self.step_add()
        other = os.path.join(self.base, "newfile")
        shutil.rmtree(other, ignore_errors=True)
        os.makedirs(other)
        count = self.rng.randint(1, 40)
        payload = "".join(json.dumps(random_event(self.rng, year=2024)) + "\n" for _ in range(count))
        self.timeline(["add", "--stdin"], log=os.path.join(other, name), stdin=payload)
        shutil.copyfile(os.path.join(other, name), path)
        if self.rng.random() < 0.5:
            old = os.stat(os.path.join(self.log, "log.jsonl")).st_mtime - 86400 if os.path.exists(os.path.join(self.log, "log.jsonl")) else 0
            os.utime(path, (old, old))
        return "new file %s of %d events" % (name, count)

    def step_symlink(self):
        cache = os.path.join(self.log, ".timeline-cache")
        if os.path.islink(cache):
            return "cache folder already a symlink"
        os.makedirs(cache, exist_ok=True)
        target = self.rng.choice(["answers", "facts"])
        if target == "answers":
            path = os.path.join(cache, "answers")
            if os.path.islink(path):
                os.unlink(path)
            else:
                shutil.rmtree(path, ignore_errors=True)
            os.symlink(self.rng.choice(["../../canary", ".."]), path)
            self.pending_unlink = path
            return "answers -> %s" % os.readlink(path)
        facts = [n for n in os.listdir(cache) if n.endswith(".facts")]
        if not facts:
            return "no facts file"
        path = os.path.join(cache, facts[0])
        os.unlink(path)
        os.symlink("../../canary/log.jsonl.facts", path)
        self.pending_unlink = path
        return "%s -> canary" % facts[0]

    def step_malformed(self):
        path = self.pick_file()
        if not path:
            return "no file"
        data = self.read(path)
        at = data.find(b'"kind":"pause"', self.rng.randrange(max(1, len(data))))
        if at < 0:
            at = data.find(b'"kind":"pause"')
        if at < 0:
            return "no pause to break"
        self.write_in_place(path, data[:at] + b'"kind":"pawse"' + data[at + 14:])
        self.pending_fix = (path, at)
        return "malformed edit at byte %d of %s" % (at, os.path.basename(path))

    def fix_malformed(self):
        path, at = self.pending_fix
        self.pending_fix = None
        if os.path.exists(path):
            data = self.read(path)
            if data[at:at + 14] == b'"kind":"pawse"':
                self.write_in_place(path, data[:at] + b'"kind":"pause"' + data[at + 14:])
        return "malformed edit undone"

    def queries_between(self):
        for _ in range(self.rng.randint(1, 3)):
            self.compare(self.random_query())

    def round(self):
        self.rounds += 1
        if self.pending_fix:
            self.history.append(self.fix_malformed())
        if self.pending_unlink:
            if os.path.islink(self.pending_unlink):
                os.unlink(self.pending_unlink)
            self.history.append("symlink %s removed" % os.path.basename(self.pending_unlink))
            self.pending_unlink = None
        steps = [
            (self.step_add, 12), (self.step_batch, 10), (self.step_edit_same_length, 12),
            (lambda: self.step_edit_same_length(keep_mtime=True), 6), (self.step_edit_other_length, 8),
            (self.step_cp_p, 8), (self.step_truncate, 5), (self.step_recreate, 4), (self.step_damage_cache, 12),
            (self.step_new_file, 5), (self.step_symlink, 3), (self.step_malformed, 3), (self.step_edit_then_add, 8),
        ]
        pick = self.rng.uniform(0, sum(w for _, w in steps))
        for step, weight in steps:
            if pick < weight:
                break
            pick -= weight
        self.history.append("round %d: %s" % (self.rounds, step()))
        if self.verbose:
            print(self.history[-1], flush=True)
        # Not always a query after a step: an edit followed by an append with
        # no query between is what a stale cache needs to show (and the
        # compound step edit-then-add is always followed by queries).
        if step == self.step_edit_then_add or self.rng.random() < 0.6:
            self.queries_between()
        if not os.listdir(self.log) or not self.files():
            self.history.append(self.step_batch())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/timeline"))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--events", type=int, default=12000)
    parser.add_argument("--keep", default=None, help="work in this folder and leave it")
    parser.add_argument("--show", type=int, default=8, help="mismatches to print in detail")
    parser.add_argument("--verbose", action="store_true", help="print each step")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(2 ** 32)
    rng = random.Random(seed)
    binary = os.path.abspath(options.bin)
    base = options.keep or tempfile.mkdtemp(prefix="timeline-cachefuzz-")
    os.makedirs(base, exist_ok=True)
    try:
        fuzz = Fuzz(binary, base, rng, options.events)
        fuzz.verbose = options.verbose
        fuzz.queries_between()
        for _ in range(options.rounds):
            fuzz.round()
    finally:
        if not options.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("cache fuzz (seed %d, %d events): %d rounds, %d queries compared with a cold replay: %d answers differ "
          "(%d of them crashes), %d queries changed files outside the cache folder" % (
              seed, options.events, fuzz.rounds, fuzz.queries, fuzz.differ, fuzz.crashes, fuzz.outside))
    differ = [m for m in fuzz.mismatches if m["what"].startswith("differs")]
    outside = [m for m in fuzz.mismatches if not m["what"].startswith("differs")]
    for mismatch in differ[:options.show] + outside[:max(2, options.show // 4)]:
        print("-- round %(round)d: %(what)s: %(query)s" % mismatch)
        for step in mismatch["steps"]:
            print("   after: %s" % step)
        print("   got:  %s" % mismatch["got"])
        print("   cold: %s" % mismatch["cold"])
    return 1 if fuzz.mismatches or fuzz.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
