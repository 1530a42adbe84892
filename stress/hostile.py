#!/usr/bin/env python3
"""Hostile content at sizes the test suite does not reach (issue 5).

    python3 stress/hostile.py [--mb 100] [--bin .build/release/timeline]

Each case is either stored and read back exactly (add, then `log --json`,
compared byte for byte after JSON decoding, and the log still one line per
event) or refused with exit 65 leaving the log byte for byte as it was;
nothing may crash (a signal), hang (a 300 s timeout) or split a line. Prints
the time and peak memory of each run and exits 1 on any violation.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/timeline"))
    parser.add_argument("--mb", type=int, default=100, help="size of the big lines, in MB")
    options = parser.parse_args()
    binary = os.path.abspath(options.bin)
    size = options.mb * 1_000_000
    work = tempfile.mkdtemp(prefix="timeline-hostile-")
    env = dict(os.environ, NO_COLOR="1")
    failures = []

    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None

    def run(args, stdin_path=None):
        """Runs timeline; returns (result, seconds, peak MB of that process or -1).

        The peak comes from GNU time when it is installed: the rusage of a child
        forked straight from this (large) Python process would include its memory."""
        started = time.time()
        with open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as stdin, \
                tempfile.NamedTemporaryFile() as peak:
            command = [binary] + args
            if gnu_time:
                command = ["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name] + command
            result = subprocess.run(command, stdin=stdin, capture_output=True, env=env, timeout=300)
            if gnu_time and result.returncode > 128:
                result.returncode = 128 - result.returncode  # GNU time reports a signal as 128+n
            kilobytes = peak.read().decode().strip().split("\n")[-1] if gnu_time else ""
        return result, time.time() - started, int(kilobytes) // 1024 if kilobytes.isdigit() else -1

    def digest(path):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    def case(name, payload, stored_note=None):
        """payload: bytes for add --stdin; stored_note: the note expected back, or None for a refusal."""
        log = os.path.join(work, name.replace(" ", "-") + ".jsonl")
        seed, _, _ = run(["--log", log, "add", "report", "--date", "2025", "--org", "seed", "--source-title", "t"])
        assert seed.returncode == 0, seed.stderr
        before = digest(log)
        path = os.path.join(work, "in")
        with open(path, "wb") as f:
            f.write(payload)
        problems = []
        try:
            added, seconds, peak = run(["--log", log, "add", "--stdin"], path)
        except subprocess.TimeoutExpired:
            failures.append("%s: add hung" % name)
            print("%-40s HUNG" % name, flush=True)
            return
        if added.returncode < 0:
            problems.append("add crashed with signal %d" % -added.returncode)
        detail = "add %.1f s, %d MB" % (seconds, peak)
        if stored_note is None:
            if added.returncode != 65:
                problems.append("add exited %d, expected 65: %s" % (added.returncode, added.stderr[:300]))
            if digest(log) != before:
                problems.append("the log changed")
        else:
            if added.returncode != 0:
                problems.append("add exited %d: %s" % (added.returncode, added.stderr[:300]))
            else:
                listed, seconds, peak = run(["--log", log, "log", "--json"])
                detail += "; log --json %.1f s, %d MB" % (seconds, peak)
                events = json.loads(listed.stdout)["events"]
                notes = [e.get("note") for e in events if e["org"] != "seed"]
                if len(notes) != 1 or notes[0].encode("utf-8", "surrogatepass") != stored_note.encode("utf-8", "surrogatepass"):
                    problems.append("the note read back differs from the one added")
                with open(log, "rb") as f:
                    lines = f.read().split(b"\n")
                if lines[-1] != b"" or len(lines) != 3:
                    problems.append("the log is not 2 whole lines")
                check, seconds, _ = run(["--log", log, "check"])
                if check.returncode != 0:
                    problems.append("check exited %d" % check.returncode)
                again, seconds, peak = run(["--log", log, "add", "report", "--date", "2025", "--org", "after", "--source-title", "t"])
                detail += "; a single add after it %.1f s, %d MB" % (seconds, peak)
                if again.returncode != 0:
                    problems.append("a single add after it exited %d" % again.returncode)
        os.remove(path)
        os.remove(log)
        verdict = "stored and read back exactly" if stored_note is not None else "refused with 65, log unchanged"
        print("%-44s %s (%s)%s" % (name, verdict if not problems else "VIOLATION", detail,
                                   "".join("\n    " + p for p in problems)), flush=True)
        failures.extend("%s: %s" % (name, p) for p in problems)

    def event(note_json):
        return b'{"date":"2025","kind":"report","org":"a","source":{"title":"t"},"note":' + note_json + b"}\n"

    mb = options.mb
    text = ("0123456789\u00e9\n\"\\\u202e\U0001F600\u0000" * (size // 24 + 1))[: size // 2]
    case("%d MB note of mixed text" % mb, event(json.dumps(text, ensure_ascii=False).encode()), text)
    ascii_text = "a" * size
    case("%d MB note of plain ASCII" % mb, event(json.dumps(ascii_text).encode()), ascii_text)
    escaped = "\n" * (size // 2)
    case("%d MB of escaped newlines" % mb, event(json.dumps(escaped).encode()), escaped)
    case("%d MB line, no final newline" % mb, event(json.dumps(ascii_text).encode())[:-1], ascii_text)
    case("%d MB of [ (nesting)" % mb, b'{"date":"2025","kind":"report","org":"a","attrs":{"x":' + b"[" * size + b"}}\n")
    case("%d MB of invalid UTF-8 in a note" % mb, event(b'"' + b"\xff" * size + b'"'))
    case("%d MB note, invalid byte at the end" % mb, event(b'"' + b"a" * size + b'\xc0"'))
    case("%d MB unterminated string" % mb, b'{"date":"2025","kind":"report","org":"a","note":"' + b"a" * size + b"\n")
    case("%d MB of NUL bytes" % mb, b"\x00" * size + b"\n")
    case("1,000,000 events, the last one invalid", b"".join(
        b'{"date":"2025","kind":"report","org":"a","note":"%d"}\n' % i for i in range(1_000_000)) + b"\xff\n")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
