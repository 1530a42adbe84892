#!/usr/bin/env python3
"""Crash harness for `timeline add` (issue 5): SIGKILL writers at random moments.

    python3 stress/crash.py [--kills 300] [--bin .build/release/timeline] [--seed S] [--keep DIR]

Each round starts a few writers at once into one log, a file log or a folder
log in turn: `add --stdin` batches of 1 to 4,000 events and streams of single
`add`s, with a reader racing them (`log --json` in a loop). Then it SIGKILLs
one or more of them, either at a random moment or just after a batch's
rollback record appears (the write window), and waits for the rest. After
each round it checks, from the raw bytes (an independent model written here)
and through `timeline` itself:

  * every event whose id a writer printed is in the log;
  * the log is whole lines (every complete line an event), apart from at most
    one torn tail and the bytes of one interrupted batch past its rollback
    record;
  * `check` reports no error and at most one torn tail / interrupted batch;
  * a killed `add --stdin` left all of its batch or none, and no reader ever
    saw part of a batch;
  * `log --json` lists exactly the events of the raw model;
  * `check --repair` (every other round; otherwise the next add repairs)
    leaves a clean log that answers `state` and `log` and loses no event
    (a whole final event without its newline is kept, the newline added).

Replaced files (issue 10): in some rounds that leave a batch's rollback
record, the file is then replaced by a newer copy of its committed bytes
holding five more acknowledged events (`cp` over it, same inode; a rename
over it, new inode), rewritten in place with an older history plus five
events, or given a first-version record (`length\n`) and copied over. Then
readers must list every acknowledged event, `check` must report the record
as not matching, and the next writer must set it aside (FILE.rollback.set-aside)
and cut nothing.

The raw model reads the rollback record itself (format in
Sources/EventLog/Store/RollbackRecord.swift) and trusts it as timeline must
(by the file's bytes, not its device and inode, which a clone or copy of
both files changes): the length a line start within the file, no more bytes or
complete lines after it than the batch had, and the batch's first bytes.
It does not recompute the per-line XXH64 hashes (pure Python would be too
slow for 8 MB batches); timeline checks those.

Every event is unique (its note names the round, writer and index), so ids
never collapse. A fresh log is started every --rounds-per-log rounds to keep
each round fast. Prints the counts at the end and exits 1 on any violation.
"""

import argparse
import json
import struct
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Violation(Exception):
    pass


def event_line(tag, index, size, note_len):
    return json.dumps({
        "date": "2025-12-%02d" % (1 + index % 28),
        "kind": "report",
        "org": "acme",
        "attrs": {"batch": tag, "i": index, "n": size},
        "source": {"title": "crash harness"},
        "note": "%s/%d %s" % (tag, index, "x" * note_len),
    }, separators=(",", ":"))


class Writer:
    """One `timeline` process that appends: a batch, or one single add."""

    def __init__(self, binary, log, tag, size, note_len):
        self.tag, self.size = tag, size
        env = dict(os.environ, TIMELINE_LOCK_TIMEOUT="60", NO_COLOR="1")
        if size == 1:
            args = [binary, "--log", log, "add", "report", "--date", "2025-12-01", "--org", "acme",
                    "--set", "batch=" + tag, "--set", "i=0", "--set", "n=1",
                    "--source-title", "crash harness", "--note", "%s/0 %s" % (tag, "x" * note_len)]
            stdin = subprocess.DEVNULL
        else:
            args = [binary, "--log", log, "add", "--stdin"]
            stdin = subprocess.PIPE
        self.proc = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.killed = False
        self.out = b""
        self.err = b""
        self.thread = threading.Thread(target=self._talk, daemon=True)
        self.payload = None
        if size > 1:
            self.payload = ("\n".join(event_line(tag, i, size, note_len) for i in range(size)) + "\n").encode()
        self.thread.start()

    def _talk(self):
        try:
            self.out, self.err = self.proc.communicate(self.payload)
        except (BrokenPipeError, OSError):
            self.proc.wait()

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.killed = True
            except ProcessLookupError:
                pass

    def finish(self):
        self.thread.join()
        self.proc.wait()
        return [line for line in self.out.decode().split("\n") if line]


class Reader(threading.Thread):
    """Runs `log --json` in a loop while the writers work; keeps what it saw."""

    def __init__(self, binary, log):
        super().__init__(daemon=True)
        self.binary, self.log = binary, log
        self.stop = threading.Event()
        self.snapshots = []  # list of {tag: count}
        self.failures = []
        self.runs = 0

    def run(self):
        env = dict(os.environ, TIMELINE_LOCK_TIMEOUT="60", NO_COLOR="1")
        while not self.stop.is_set():
            if not os.path.exists(self.log):
                time.sleep(0.005)
                continue
            result = subprocess.run([self.binary, "--log", self.log, "log", "--json"], capture_output=True, env=env)
            self.runs += 1
            if result.returncode != 0:
                self.failures.append("reader exit %d: %s" % (result.returncode, result.stderr.decode()[:300]))
                continue
            counts, sizes = {}, {}
            for event in json.loads(result.stdout)["events"]:
                attrs = event.get("attrs", {})
                tag = attrs.get("batch")
                counts[tag] = counts.get(tag, 0) + 1
                sizes[tag] = int(attrs.get("n"))
            self.snapshots.append((counts, sizes))


MAGIC = b"timeline rollback record 2\n"


def record_length(path, data):
    """The length a rollback record beside `path` proves (the bytes after it are
    a prefix of its batch), None when there is no record, False when there is
    one that proves nothing (torn, first version, other bytes)."""
    record = path + ".rollback"
    if not os.path.exists(record):
        return None
    with open(record, "rb") as f:
        raw = f.read()
    header = len(MAGIC)
    if not raw.startswith(MAGIC) or len(raw) < header + 56:
        return False
    _device, _inode, length, batch_bytes, batch_lines, first_count = struct.unpack_from("<6Q", raw, header)
    if len(raw) != header + 48 + first_count + 8 * batch_lines + 8:
        return False
    first = raw[header + 48:header + 48 + first_count]
    if length > len(data):
        return False
    tail = data[length:]
    if len(tail) > batch_bytes or (length > 0 and data[length - 1:length] != b"\n"):
        return False
    if not tail.startswith(first[:len(tail)]) or not first.startswith(tail[:len(first)]):
        return False
    if tail.count(b"\n") > batch_lines:
        return False
    return length


def proves(length):
    """Whether record_length found a record that proves its batch (0 is a length)."""
    return length is not None and length is not False


def committed_region(path):
    """The raw model: (whole lines of the committed region, torn tail bytes,
    interrupted batch bytes, whether a record proves nothing)."""
    with open(path, "rb") as f:
        data = f.read()
    interrupted = 0
    length = record_length(path, data)
    if proves(length) and len(data) > length:
        interrupted = len(data) - length
        data = data[:length]
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the data ends with a newline
    return lines, tail, interrupted, length is False


def whole_event(tail):
    """The id of a final line without its newline that is a whole event (check --repair keeps it)."""
    try:
        event = json.loads(tail)
    except Exception:
        return None
    return event.get("id") if isinstance(event, dict) and "recorded" in event else None


def log_files(log):
    if os.path.isdir(log):
        return sorted(os.path.join(log, n) for n in os.listdir(log) if n.endswith(".jsonl"))
    return [log] if os.path.exists(log) else []


def model(log, detail=None):
    """Every committed event of the log by id, with the torn tails and
    interrupted batches seen; `detail` gets the ids of whole final events
    without a newline, and the count of records that prove nothing."""
    events, tails, interrupted = {}, 0, 0
    if detail is not None:
        detail.update(whole=set(), unverified=0)
    for path in log_files(log):
        lines, tail, batch, unverified = committed_region(path)
        tails += 1 if tail else 0
        interrupted += 1 if batch else 0
        if detail is not None:
            detail["unverified"] += 1 if unverified else 0
            if tail and whole_event(tail):
                detail["whole"].add(whole_event(tail))
        for number, line in enumerate(lines, 1):
            try:
                event = json.loads(line)
                assert isinstance(event, dict) and "id" in event and "recorded" in event
            except Exception:
                raise Violation("%s:%d is not a whole event: %r" % (path, number, line[:200]))
            if event["id"] in events and events[event["id"]] != event:
                raise Violation("%s:%d: id %s is used by two different events" % (path, number, event["id"]))
            events[event["id"]] = event
    return events, tails, interrupted


def run(binary, args, log, check=True):
    env = dict(os.environ, TIMELINE_LOCK_TIMEOUT="60", NO_COLOR="1")
    result = subprocess.run([binary, "--log", log] + args, capture_output=True, env=env)
    if check and result.returncode != 0:
        raise Violation("timeline %s exited %d: %s" % (" ".join(args), result.returncode, result.stderr.decode()[:500]))
    return result


def verify(binary, log, acked, sizes, killed_tags, reader, repair):
    detail = {}
    events, tails, interrupted = model(log, detail)
    # Every acknowledged event is there.
    missing = [i for i in acked if i not in events]
    verify.acked_found = len(acked) - len(missing)
    if missing:
        raise Violation("%d acknowledged ids are missing, e.g. %s" % (len(missing), missing[:5]))
    # Whole batches only.
    counts = {}
    for event in events.values():
        tag = event["attrs"]["batch"]
        counts[tag] = counts.get(tag, 0) + 1
    for tag, count in counts.items():
        if count != sizes[tag]:
            raise Violation("batch %s has %d of its %d events in the log" % (tag, count, sizes[tag]))
    # At most one torn tail or interrupted batch (one writer was mid-append at most per file).
    if tails + interrupted > len(log_files(log)):
        raise Violation("%d torn tails and %d interrupted batches" % (tails, interrupted))
    # check agrees: no errors, at most one notice per file.
    result = run(binary, ["check", "--json"], log, check=False)
    report = json.loads(result.stdout)
    if result.returncode != 0 or report["errors"]:
        raise Violation("check found errors: %s" % report["errors"][:3])
    notices = [w for w in report["warnings"] if "torn final line" in w["message"] or "interrupted" in w["message"]]
    if len(notices) != tails + interrupted:
        raise Violation("check reports %d torn/interrupted notices, the raw model %d: %s" % (len(notices), tails + interrupted, notices))
    mismatched = [w for w in report["warnings"] if "does not match" in w["message"]]
    if len(mismatched) != detail["unverified"]:
        raise Violation("check reports %d rollback records that do not match, the raw model %d: %s" % (
            len(mismatched), detail["unverified"], mismatched))
    # Readers agree with the model.
    listed = json.loads(run(binary, ["log", "--json"], log).stdout)["events"]
    if sorted(e["id"] for e in listed) != sorted(events):
        raise Violation("log --json lists %d events, the raw model has %d" % (len(listed), len(events)))
    # The racing reader never saw part of a batch.
    if reader is not None:
        if reader.failures:
            raise Violation("a racing reader failed: %s" % reader.failures[0])
        for seen, seen_sizes in reader.snapshots:
            for tag, count in seen.items():
                if count != seen_sizes[tag]:
                    raise Violation("a racing reader saw %d of the %d events of batch %s" % (count, seen_sizes[tag], tag))
    if repair:
        set_aside = count_set_aside(log)
        run(binary, ["check", "--repair"], log)
        after, tails, interrupted = model(log)
        if tails or interrupted:
            raise Violation("check --repair left %d torn tails, %d interrupted batches" % (tails, interrupted))
        if set(after) != set(events) | detail["whole"]:
            raise Violation("check --repair changed the set of events (%d -> %d, %d whole final events kept)" % (
                len(events), len(after), len(detail["whole"])))
        for path in log_files(log):
            if os.path.exists(path + ".rollback"):
                raise Violation("check --repair left %s.rollback" % path)
        if count_set_aside(log) != set_aside + detail["unverified"]:
            raise Violation("check --repair set aside %d records, the raw model says %d do not match" % (
                count_set_aside(log) - set_aside, detail["unverified"]))
        report = json.loads(run(binary, ["check", "--json"], log).stdout)
        if report["warnings"] and any("torn" in w["message"] or "interrupted" in w["message"] for w in report["warnings"]):
            raise Violation("check still warns after --repair: %s" % report["warnings"][:2])
        run(binary, ["state", "--json", "--at", "2025-12-31"], log)
    return len(events)


def count_set_aside(log):
    folder = log if os.path.isdir(log) else os.path.dirname(log)
    return sum(1 for name in os.listdir(folder) if ".rollback.set-aside" in name)


def target_of(log):
    return log if log.endswith(".jsonl") else os.path.join(log, "log.jsonl")


REPLACEMENTS = ["cp over (same inode)", "renamed over (new inode)", "rewritten in place", "first-version record"]


def replace_file(binary, log, work, how, tag, acked, sizes):
    """Replaces the file that holds a rollback record by a newer copy of its
    committed bytes with five more acknowledged events, as a user or git would."""
    target = target_of(log)
    with open(target, "rb") as f:
        data = f.read()
    length = record_length(target, data)
    committed = data[:length] if proves(length) else data
    committed = committed[:committed.rfind(b"\n") + 1]  # whole lines only
    dropped = 0
    if how == "rewritten in place":
        # An older history (git checkout of an earlier commit): the last writer's lines are gone.
        lines = committed.split(b"\n")[:-1]
        if lines:
            last = json.loads(lines[-1])["attrs"]["batch"]
            while lines and json.loads(lines[-1])["attrs"]["batch"] == last:
                dropped_id = json.loads(lines.pop())["id"]
                dropped += 1 if dropped_id in acked else 0
                acked.discard(dropped_id)
            sizes[last] = 0  # no longer in the log, rightly
        committed = b"".join(line + b"\n" for line in lines)
    newer = os.path.join(work, "newer.jsonl")
    with open(newer, "wb") as f:
        f.write(committed)
    payload = "\n".join(event_line(tag, i, 5, 20) for i in range(5)) + "\n"
    result = subprocess.run([binary, "--log", newer, "add", "--stdin"], input=payload.encode(), capture_output=True)
    if result.returncode != 0:
        raise Violation("the newer copy's add --stdin exited %d: %s" % (result.returncode, result.stderr.decode()[:300]))
    acked.update(line for line in result.stdout.decode().split("\n") if line)
    sizes[tag] = 5
    if how == "first-version record":
        with open(target + ".rollback", "wb") as f:
            f.write(b"%d\n" % len(committed))
    if how == "renamed over (new inode)":
        os.replace(newer, target)
    else:
        with open(newer, "rb") as src, open(target, "r+b") as dst:  # what cp does: same inode
            dst.truncate(0)
            dst.write(src.read())
        os.unlink(newer)
    if record_length(target, open(target, "rb").read()) is not False:
        raise Violation("the raw model trusts a record after the file was %s" % how)
    return dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/timeline"))
    parser.add_argument("--kills", type=int, default=300, help="stop after this many SIGKILLs of a live writer")
    parser.add_argument("--rounds-per-log", type=int, default=25)
    parser.add_argument("--max-batch", type=int, default=4000)
    parser.add_argument("--writers", type=int, default=3, help="concurrent writers per round")
    parser.add_argument("--no-reader", action="store_true", help="no reader racing the writers")
    parser.add_argument("--replace-rate", type=float, default=0.3,
                        help="share of rounds leaving a rollback record after which the file is replaced")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", help="work in this folder and keep it")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    binary = os.path.abspath(options.bin)
    work = options.keep or tempfile.mkdtemp(prefix="timeline-crash-")
    os.makedirs(work, exist_ok=True)
    print("crash harness: seed %d, binary %s, work %s" % (options.seed, binary, work), flush=True)

    stats = dict(rounds=0, kills=0, kills_in_write_window=0, add_processes=0, add_acknowledged=0,
                 events_attempted=0, events_acknowledged=0, events_found=0, acknowledged_found=0, reader_runs=0,
                 torn_or_interrupted_seen=0, whole_line_refusals=0, killed_after_printing=0, batches_killed_kept=0, batches_killed_dropped=0,
                 records_left=0, replaced=0, set_aside=0, whole_events_kept=0)
    replaced_by = {how: 0 for how in REPLACEMENTS}
    log, acked, sizes = None, set(), {}
    started = time.time()
    try:
        while stats["kills"] < options.kills:
            if stats["rounds"] % options.rounds_per_log == 0:
                if log is not None:
                    stats["events_found"] += verify(binary, log, acked, sizes, set(), None, True)
                    stats["acknowledged_found"] += verify.acked_found
                number = stats["rounds"] // options.rounds_per_log
                log = os.path.join(work, "log%d%s" % (number, ".jsonl" if number % 2 == 0 else ""))
                acked, sizes = set(), {}
            round_no = stats["rounds"]
            stats["rounds"] += 1
            reader = None if options.no_reader or rng.random() < 0.3 else Reader(binary, log)
            if reader:
                reader.start()
            writers = []
            for w in range(options.writers):
                size = 1 if rng.random() < 0.4 else rng.choice([2, 10, 100, rng.randint(2, options.max_batch)])
                tag = "r%dw%d" % (round_no, w)
                sizes[tag] = size
                writers.append(Writer(binary, log, tag, size, rng.choice([10, 200, 2000])))
                stats["add_processes"] += 1
                stats["events_attempted"] += size
            victims = rng.sample(writers, rng.randint(1, len(writers)))
            if rng.random() < 0.5:
                # Kill in the write window: just after a batch's rollback record appears.
                target = log if log.endswith(".jsonl") else os.path.join(log, "log.jsonl")
                deadline = time.time() + 5
                while time.time() < deadline and not os.path.exists(target + ".rollback") \
                        and any(w.proc.poll() is None for w in victims):
                    time.sleep(0.0002)
                in_window = os.path.exists(target + ".rollback")
                time.sleep(rng.random() * 0.004)
            else:
                in_window = False
                time.sleep(rng.random() * 0.3)
            for victim in victims:
                alive = victim.proc.poll() is None
                victim.kill()
                if victim.killed and alive:
                    stats["kills"] += 1
                    stats["kills_in_write_window"] += 1 if in_window else 0
            for writer in writers:
                ids = writer.finish()
                if writer.proc.returncode == 0:
                    if len(ids) != writer.size:
                        raise Violation("writer %s exited 0 but printed %d of %d ids" % (writer.tag, len(ids), writer.size))
                    acked.update(ids)
                    stats["add_acknowledged"] += 1
                    stats["events_acknowledged"] += len(ids)
                elif writer.proc.returncode == 65 and b"is a whole event" in writer.err:
                    # A killed single add left its whole line but not its newline (a tear at a page
                    # boundary): add refuses to cut what looks typed by hand; check --repair does.
                    stats["whole_line_refusals"] += 1
                    before = set(model(log)[0])
                    run(binary, ["check", "--repair"], log)
                    stats["whole_events_kept"] += len(set(model(log)[0]) - before)
                elif writer.proc.returncode != -signal.SIGKILL:
                    raise Violation("writer %s exited %d: %s" % (writer.tag, writer.proc.returncode, writer.err.decode()[:500]))
                elif ids:
                    # Killed while exiting, after it printed: those ids were acknowledged.
                    acked.update(ids)
                    stats["killed_after_printing"] += 1
                    stats["events_acknowledged"] += len(ids)
            if reader:
                reader.stop.set()
                reader.join()
                stats["reader_runs"] += reader.runs
            target = target_of(log)
            if os.path.exists(target + ".rollback"):
                stats["records_left"] += 1
                with open(target, "rb") as f:
                    # Only a record that proves its batch (not one left over from a round whose
                    # writers were all killed before they could set it aside, nor a torn one).
                    fresh = proves(record_length(target, f.read()))
                if fresh and rng.random() < options.replace_rate:
                    how = rng.choice(REPLACEMENTS)
                    stats["events_acknowledged"] -= replace_file(binary, log, work, how, "r%dx" % round_no, acked, sizes)
                    stats["replaced"] += 1
                    stats["add_processes"] += 1
                    stats["add_acknowledged"] += 1
                    stats["events_attempted"] += 5
                    stats["events_acknowledged"] += 5
                    replaced_by[how] += 1
                    # Readers see every acknowledged event and say the record does not match.
                    result = run(binary, ["log", "--json"], log)
                    listed = set(e["id"] for e in json.loads(result.stdout)["events"])
                    if not acked <= listed:
                        raise Violation("after the file was %s, readers miss %d acknowledged events" % (how, len(acked - listed)))
                    if b"does not match" not in result.stderr:
                        raise Violation("after the file was %s, readers did not report the record: %r" % (how, result.stderr[:300]))
            events, tails, interrupted = model(log)
            stats["torn_or_interrupted_seen"] += tails + interrupted
            for writer in writers:
                if writer.killed and writer.size > 1:
                    present = sum(1 for e in events.values() if e["attrs"]["batch"] == writer.tag)
                    stats["batches_killed_kept" if present else "batches_killed_dropped"] += 1
            verify(binary, log, acked, sizes, set(), reader, repair=rng.random() < 0.5)
            if stats["rounds"] % 20 == 0:
                print("  round %d: %d kills (%d in the write window), %d events acknowledged, %.0f s" % (
                    stats["rounds"], stats["kills"], stats["kills_in_write_window"], stats["events_acknowledged"],
                    time.time() - started), flush=True)
        stats["events_found"] += verify(binary, log, acked, sizes, set(), None, True)
        stats["acknowledged_found"] += verify.acked_found
        for folder, _, names in os.walk(work):
            stats["set_aside"] += sum(1 for name in names if ".rollback.set-aside" in name)
        if stats["set_aside"] < stats["replaced"]:
            raise Violation("%d files were replaced under a rollback record but only %d records were set aside" % (
                stats["replaced"], stats["set_aside"]))
    except Violation as violation:
        print("VIOLATION in round %d (seed %d, log %s): %s" % (stats["rounds"], options.seed, log, violation), flush=True)
        print(json.dumps(stats), flush=True)
        return 1
    elapsed = time.time() - started
    print("appends attempted: %d add processes (%d events); acknowledged: %d processes (%d events); found: %d of the "
          "acknowledged events (and %d committed by a writer killed before it printed); kills: %d (%d in a batch's write window), all survived; killed batches kept whole: %d, "
          "dropped whole: %d; torn tails or interrupted batches repaired: %d; whole final events kept by check --repair: %d; "
          "racing reader runs: %d; %d rounds in %.0f s"
          % (stats["add_processes"], stats["events_attempted"], stats["add_acknowledged"], stats["events_acknowledged"],
             stats["acknowledged_found"], stats["events_found"] - stats["acknowledged_found"], stats["kills"], stats["kills_in_write_window"], stats["batches_killed_kept"],
             stats["batches_killed_dropped"], stats["torn_or_interrupted_seen"], stats["whole_events_kept"], stats["reader_runs"], stats["rounds"], elapsed))
    print("rollback records left by a kill: %d; files replaced after one: %d (%s); records set aside, nothing cut: %d"
          % (stats["records_left"], stats["replaced"], ", ".join("%s %d" % (how, n) for how, n in replaced_by.items()),
             stats["set_aside"]))
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
