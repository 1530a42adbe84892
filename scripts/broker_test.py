"""The NATS JetStream round trip of `timeline export --format cloudevents --follow`.

    broker_test.py --bin TIMELINE --server NATS_SERVER     the test
    broker_test.py publish --url URL --subject S --acks FILE   the publisher

The publisher reads CloudEvents, one per line, from standard input and
publishes each to JetStream with the header Nats-Msg-Id set to the event id,
so that the stream drops a message it already holds; after each
acknowledgement it appends "ID RECORDEDTIME" to the acks file, the place a
restarted pipeline resumes from (--since the last recordedtime acknowledged).

Before the broker, the order it keeps is checked under load: three writers
append in quick succession while the follower is stopped and continued at
random, and it must write their appends in the order they landed.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

STREAM = "TIMELINE"
SUBJECT = "timeline.events"


async def publish(url, subject, acks_path):
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    loop = asyncio.get_running_loop()
    with open(acks_path, "a", encoding="utf-8") as acks:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.buffer.readline)
            if not line:
                break
            event = json.loads(line)
            await js.publish(subject, line.rstrip(b"\n"), headers={"Nats-Msg-Id": event["id"]})
            acks.write(f"{event['id']} {event['recordedtime']}\n")
            acks.flush()
    await nc.close()


from checks import check, summary

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    print(f"timed out ({timeout} s) waiting for {what}")
    return False


class Test:
    def __init__(self, binary, work):
        self.binary = binary
        self.log = os.path.join(work, "events")
        self.acks = os.path.join(work, "acks")
        self.work = work
        self.added = []  # ids in the order their appends returned
        self.count = 0

    def timeline(self, args, stdin=None, writer="alice"):
        env = dict(os.environ, TIMELINE_WRITER=writer, NO_COLOR="1")
        done = subprocess.run([self.binary, "--log", self.log] + args, input=stdin, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"timeline {' '.join(args)}: {done.stderr}")
        return done.stdout

    def event(self):
        self.count += 1
        n = self.count
        # Dates out of order on purpose: the stream keeps the order of the appends.
        return json.dumps({"date": f"2025-{(n * 7) % 12 + 1:02d}-{n % 28 + 1:02d}", "kind": "launch", "org": "acme",
                           "subject": f"acme/model-{n}", "attrs": {"type": "model"}, "source": {"title": f"news {n}"}})

    def add(self, count, writer="alice"):
        out = self.timeline(["add", "--stdin"], stdin="".join(self.event() + "\n" for _ in range(count)), writer=writer)
        self.added += out.split()

    def acked(self):
        try:
            with open(self.acks, encoding="utf-8") as f:
                return [line.split() for line in f if line.endswith("\n")]
        except FileNotFoundError:
            return []

    def start_pipeline(self, url, since=None):
        follow = [self.binary, "--log", self.log, "export", "--format", "cloudevents", "--follow"] + (["--since", since] if since else [])
        exporter = subprocess.Popen(follow, stdout=subprocess.PIPE)
        publisher = subprocess.Popen([sys.executable, __file__, "publish", "--url", url, "--subject", SUBJECT, "--acks", self.acks],
                                     stdin=exporter.stdout)
        exporter.stdout.close()  # the publisher holds the only reading end: its death is the exporter's SIGPIPE
        return exporter, publisher


def paused_at_random(binary, rounds=30):
    """Appends by three writers in quick succession (a single event each by
    alice and bob, then a batch of 20 by alice or carol) while the follower is
    stopped and continued at random every few milliseconds, as a loaded
    machine does: each look finds several appends, some stamped ahead of the
    clock. Returns the ids in the order the appends returned, and as written."""
    import random
    import threading
    work = tempfile.mkdtemp(prefix="follow-order-")
    try:
        t = Test(binary, work)
        t.timeline(["init"])
        t.add(1)
        follow = subprocess.Popen([binary, "--log", t.log, "export", "--format", "jsonl", "--follow"],
                                  stdout=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
        written = []
        reader = threading.Thread(target=lambda: written.extend(json.loads(line)["id"] for line in follow.stdout), daemon=True)
        reader.start()
        wait_until(lambda: len(written) >= 1, 10, "the first event")
        t.added = []
        stop = threading.Event()

        def pause():
            while not stop.is_set():
                follow.send_signal(signal.SIGSTOP)
                time.sleep(random.uniform(0.003, 0.02))
                follow.send_signal(signal.SIGCONT)
                time.sleep(random.uniform(0.001, 0.01))
            follow.send_signal(signal.SIGCONT)

        pauser = threading.Thread(target=pause, daemon=True)
        pauser.start()
        for round in range(rounds):
            t.add(1)
            t.add(1, writer="bob")
            t.add(20, writer="alice" if round % 2 == 0 else "carol")
        stop.set()
        pauser.join()
        wait_until(lambda: len(written) >= 1 + len(t.added), 30, "every append")
        follow.terminate()
        follow.wait(10)
        return t.added, written[1:]
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def read_stream(url):
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    info = await js.stream_info(STREAM)
    messages = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(STREAM, seq)
        messages.append((msg.headers or {}, msg.data))
    await nc.close()
    return messages


async def create_stream(url):
    import nats
    from nats.js.api import StreamConfig

    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=[SUBJECT], duplicate_window=600.0))
    await nc.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="test")
    parser.add_argument("--bin")
    parser.add_argument("--server")
    parser.add_argument("--url")
    parser.add_argument("--subject")
    parser.add_argument("--acks")
    args = parser.parse_args()
    if args.mode == "publish":
        asyncio.run(publish(args.url, args.subject, args.acks))
        return 0

    from cloudevents.core.formats.json import JSONFormat

    # 0. Landing order under load, before the broker: the order the stream keeps.
    expected, written = paused_at_random(args.bin)
    check(f"a follower paused at random writes three writers' appends in the order they landed ({len(expected)} events)",
          written == expected,
          next((f"first difference at {i}: {a} != {b}" for i, (a, b) in enumerate(zip(written, expected)) if a != b),
               f"{len(written)} of {len(expected)} written"))

    work = tempfile.mkdtemp(prefix="broker-test-")
    port = free_port()
    url = f"nats://127.0.0.1:{port}"
    server = subprocess.Popen([args.server, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", os.path.join(work, "store")],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"))
    pipelines = []
    try:
        up = wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 20, "the NATS server")
        check(f"nats-server with JetStream listens on 127.0.0.1:{port}", up)
        if not up:
            return 1
        asyncio.run(create_stream(url))
        t = Test(args.bin, work)
        t.timeline(["init"])
        t.add(5)
        t.add(1, writer="bob")
        initial = [json.loads(l)["id"] for l in t.timeline(["export", "--format", "jsonl"]).splitlines()]
        t.added = []

        # 1. The pipeline runs while events and batches are added, by two writers.
        exporter, publisher = t.start_pipeline(url)
        pipelines.append((exporter, publisher))
        check("the initial events are published", wait_until(lambda: len(t.acked()) >= len(initial), 30, "the initial events"))
        for round in range(3):
            t.add(1)
            t.add(1, writer="bob")
            t.add(20, writer="alice" if round % 2 == 0 else "carol")  # a batch; carol is a new writer's file
        expected = initial + t.added
        check(f"all {len(expected)} events are acknowledged while it runs",
              wait_until(lambda: len(t.acked()) >= len(expected), 30, "the acknowledgements"), f"{len(t.acked())} of {len(expected)}")

        # 2. The publisher is killed mid-stream, during a large batch.
        t.add(400)
        expected = initial + t.added
        wait_until(lambda: len(t.acked()) >= len(expected) - 350, 30, "part of the large batch")
        publisher.kill()
        publisher.wait()
        exited = wait_until(lambda: exporter.poll() is not None, 15, "the exporter to notice its reader is gone")
        check("the exporter ends cleanly (0) when the publisher dies", exited and exporter.returncode == 0, f"status {exporter.returncode}")
        acked = t.acked()
        check("the publisher was killed before the end of the stream", len(acked) < len(expected), f"{len(acked)} of {len(expected)} acknowledged")
        last = acked[-1][1]
        t.add(3)  # while nothing runs
        expected = initial + t.added

        # 3. Restarted with --since the last recordedtime acknowledged.
        exporter, publisher = t.start_pipeline(url, since=last)
        pipelines.append((exporter, publisher))
        t.add(2)
        expected = initial + t.added
        ids = set(expected)
        wait_until(lambda: ids <= {a[0] for a in t.acked()}, 60, "the events after the restart")
        resent = len(t.acked()) - len({a[0] for a in t.acked()})
        check(f"the restart wrote again what was acknowledged at or after --since, and JetStream dropped it ({resent} repeated)", resent >= 1)
        messages = asyncio.run(read_stream(url))
        stream_ids = [json.loads(data)["id"] for _, data in messages]
        check(f"the stream holds every event exactly once ({len(stream_ids)} messages, {len(expected)} events)",
              sorted(stream_ids) == sorted(expected) and len(set(stream_ids)) == len(stream_ids),
              f"missing {sorted(set(expected) - set(stream_ids))[:5]}, extra {len(stream_ids) - len(set(stream_ids))}")
        check("the stream is in log order (the initial export, then the appends as they landed)", stream_ids == expected,
              next((f"first difference at {i}: {a} != {b}" for i, (a, b) in enumerate(zip(stream_ids, expected)) if a != b), ""))
        check("every message carries Nats-Msg-Id = its event id",
              all(h.get("Nats-Msg-Id") == json.loads(d)["id"] for h, d in messages))
        canonical = {json.loads(l)["id"]: json.loads(l) for l in t.timeline(["export", "--format", "jsonl"]).splitlines()}
        problems = []
        for number, (_, data) in enumerate(messages, 1):
            try:
                event = JSONFormat().read(None, data)
            except Exception as error:
                problems.append(f"message {number}: {error}")
                continue
            if event.get_specversion() != "1.0" or event.get_type() != "timeline.launch" or event.get_data() != canonical.get(event.get_id()):
                problems.append(f"message {number}: {event.get_id()} is not the event as exported")
        check("every message parses as a CloudEvent (the official SDK) carrying its event", not problems, "; ".join(problems[:5]))
    finally:
        for exporter, publisher in pipelines:
            for process in (publisher, exporter):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(5)
                    except subprocess.TimeoutExpired:
                        process.kill()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
