#!/usr/bin/env python3
"""Concurrency stress for `timeline add` (issue 5).

    python3 stress/concurrency.py [--processes 8] [--adds 500] [--bin .build/release/timeline]

Into one file log and then into one folder log, --processes workers each run
--adds single `timeline add`s one after the other (every event unique), all at
once, while a reader runs `log --json` in a loop. Then checks: exactly
processes x adds lines, each a whole event (no interleaved or partial line),
every printed id present exactly once, `recorded` strictly increasing,
`check` clean, `log --json` listing them all, and no reader saw an event
that was not yet complete. Exits 1 on any violation.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/timeline"))
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--adds", type=int, default=500)
    options = parser.parse_args()
    binary = os.path.abspath(options.bin)
    env = dict(os.environ, TIMELINE_LOCK_TIMEOUT="120", NO_COLOR="1")
    work = tempfile.mkdtemp(prefix="timeline-concurrency-")
    failures = []
    expected = options.processes * options.adds
    for name in ["log.jsonl", "folder"]:
        log = os.path.join(work, name)
        printed = [[] for _ in range(options.processes)]
        errors = []

        def worker(number):
            for index in range(options.adds):
                result = subprocess.run(
                    [binary, "--log", log, "add", "report", "--date", "2025-12-%02d" % (1 + index % 28),
                     "--org", "org%d" % number, "--source-title", "concurrency",
                     "--note", "writer %d add %d" % (number, index)],
                    capture_output=True, env=env)
                if result.returncode != 0:
                    errors.append("writer %d add %d exited %d: %s" % (number, index, result.returncode, result.stderr.decode()))
                    return
                printed[number].append(result.stdout.decode().strip())

        stop = threading.Event()
        reads = [0]

        def reader():
            while not stop.is_set():
                if not os.path.exists(log):
                    time.sleep(0.01)
                    continue
                result = subprocess.run([binary, "--log", log, "log", "--json"], capture_output=True, env=env)
                if result.returncode != 0:
                    errors.append("reader exited %d: %s" % (result.returncode, result.stderr.decode()))
                    return
                json.loads(result.stdout)
                reads[0] += 1

        started = time.time()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(options.processes)]
        racing = threading.Thread(target=reader)
        racing.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        racing.join()
        elapsed = time.time() - started

        file = log if name.endswith(".jsonl") else os.path.join(log, "log.jsonl")
        with open(file, "rb") as f:
            data = f.read()
        problems = list(errors)
        if not data.endswith(b"\n"):
            problems.append("the file does not end with a newline")
        lines = data.split(b"\n")[:-1]
        ids, previous = [], ""
        for number, line in enumerate(lines, 1):
            try:
                event = json.loads(line)
            except ValueError:
                problems.append("line %d is not a whole event: %r" % (number, line[:120]))
                continue
            ids.append(event["id"])
            if event["recorded"] <= previous:
                problems.append("line %d: recorded %s is not after %s" % (number, event["recorded"], previous))
            previous = event["recorded"]
        all_printed = [i for ids_of in printed for i in ids_of]
        if len(lines) != expected:
            problems.append("%d lines, expected %d" % (len(lines), expected))
        if len(set(ids)) != len(ids):
            problems.append("%d ids appear twice" % (len(ids) - len(set(ids))))
        missing = set(all_printed) - set(ids)
        if missing:
            problems.append("%d printed ids are missing" % len(missing))
        check = subprocess.run([binary, "--log", log, "check"], capture_output=True, env=env)
        if check.returncode != 0 or b"no errors, no warnings" not in check.stdout:
            problems.append("check: %s" % check.stdout.decode()[-300:])
        listed = json.loads(subprocess.run([binary, "--log", log, "log", "--json"], capture_output=True, env=env).stdout)
        if listed["basis"]["events"] != expected:
            problems.append("log --json lists %d events" % listed["basis"]["events"])
        print("%s log: %d processes x %d adds: %d ids printed, %d lines, %d distinct ids present, %d missing, "
              "%d racing reads, %.1f s (%.0f adds/s)%s" % (
                  "file" if name.endswith(".jsonl") else "folder", options.processes, options.adds, len(all_printed),
                  len(lines), len(set(ids)), len(missing), reads[0], elapsed, expected / elapsed,
                  "" if not problems else "\n  VIOLATION: " + "\n  VIOLATION: ".join(problems[:10])), flush=True)
        failures += problems
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
