#!/usr/bin/env python3
"""Tests of the reference fold (fold.py) on small hand-made logs, and of the
jq and SQLite peers against it on the same logs.

    python3 bench/peers/test_fold.py        # unittest; jq/sqlite cases skip if absent
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import fold  # noqa: E402
from canonical import canonical_line, content_id  # noqa: E402


class Log:
    """Builds a log: each event gets its content id and a recorded 1 s later."""

    def __init__(self):
        self.events = []

    def add(self, kind, date, org=None, subject=None, **fields):
        ev = {"date": date, "kind": kind, "org": org, "subject": subject}
        ev["attrs"] = fields.pop("attrs", {})
        ev.update(fields)
        ev.setdefault("id", content_id(ev))
        if "recorded" not in ev:
            ev["recorded"] = "2026-01-01T00:00:%02d.000Z" % len(self.events)
        self.events.append(ev)
        return ev["id"]

    def lines(self):
        return "".join(canonical_line(e) + "\n" for e in self.events)

    def state(self, at, **kw):
        kept = fold.replay([json.loads(canonical_line(e)) for e in self.events], at, **kw)
        return fold.fold(kept), kept


class ReplayRules(unittest.TestCase):
    def test_partial_dates_count_from_the_end_of_their_period(self):
        log = Log()
        log.add("launch", "2025-11", "o", "o/a")
        log.add("launch", "2025", "o", "o/b")
        log.add("launch", "2024-02", "o", "o/c")
        self.assertEqual(set(log.state("2025-11-29")[0]["o"]["products"]), {"o/c"})
        self.assertEqual(set(log.state("2025-11-30")[0]["o"]["products"]), {"o/a", "o/c"})
        self.assertEqual(set(log.state("2025-12-30")[0]["o"]["products"]), {"o/a", "o/c"})
        self.assertEqual(set(log.state("2025-12")[0]["o"]["products"]), {"o/a", "o/b", "o/c"})
        self.assertEqual(set(log.state("2025")[0]["o"]["products"]), {"o/a", "o/b", "o/c"})
        self.assertEqual(set(log.state("2024-02-29")[0]["o"]["products"]), {"o/c"})

    def test_order_is_first_day_then_recorded_then_id(self):
        log = Log()
        # Recorded first but dated the month only: folds first (its first day is earlier).
        log.add("pause", "2025-12-05", "o", "o/a")
        log.add("launch", "2025-12", "o", "o/a")
        products = log.state("2025-12-31")[0]["o"]["products"]
        self.assertEqual(products["o/a"]["status"], "paused")

    def test_duplicate_ids_keep_the_earliest_recorded(self):
        log = Log()
        log.add("launch", "2025-01-01", "o", "o/a", id="x", recorded="2026-01-01T00:00:05.000Z")
        log.add("pause", "2025-01-02", "o", "o/a", id="p", recorded="2026-01-01T00:00:03.000Z")
        # Same id, earlier recorded, other content: this one wins.
        log.add("retire", "2025-01-01", "o", "o/a", id="x", recorded="2026-01-01T00:00:01.000Z")
        orgs, kept = log.state("2025-12-31")
        self.assertEqual([e["id"] for e in kept], ["x", "p"])
        self.assertEqual(orgs["o"]["products"]["o/a"]["status"], "paused")
        self.assertEqual(orgs["o"]["products"]["o/a"]["launched"], None)

    def test_retraction_ignores_at_and_retracting_a_retraction_does_nothing(self):
        log = Log()
        a = log.add("launch", "2020-01-01", "o", "o/a")
        r = log.add("retract", "2030-01-01", attrs={"target": a, "reason": "hoax"})
        log.add("retract", "2030-01-02", attrs={"target": r, "reason": "no"})
        orgs, kept = log.state("2021")
        self.assertEqual(kept, [])
        self.assertEqual(orgs, {})

    def test_supersedes_chain_and_retracted_correction(self):
        log = Log()
        a = log.add("metric", "2025-01", "o", attrs={"name": "v", "value": 1})
        b = log.add("metric", "2025-01-10", "o", attrs={"name": "v", "value": 2}, supersedes=a)
        c = log.add("metric", "2025-01-20", "o", attrs={"name": "v", "value": 3}, supersedes=b)
        orgs, kept = log.state("2025-12-31")
        self.assertEqual([e["id"] for e in kept], [c])
        # A correction dated after AT still replaces what it corrects.
        self.assertEqual(log.state("2025-01-15")[1], [])
        # Retracting the last correction brings back the one it corrected, not the first.
        log.add("retract", "2025-02-01", attrs={"target": c})
        orgs, kept = log.state("2025-12-31")
        self.assertEqual([e["id"] for e in kept], [b])
        self.assertEqual(orgs["o"]["metrics"]["o"]["v"]["value"], 2)

    def test_supersedes_of_a_retraction_does_nothing(self):
        log = Log()
        a = log.add("launch", "2020-01-01", "o", "o/a")
        r = log.add("retract", "2020-02-01", attrs={"target": a})
        log.add("launch", "2020-01-03", "o", "o/b", supersedes=r)
        orgs, _ = log.state("2021")
        self.assertEqual(set(orgs["o"]["products"]), {"o/b"})

    def test_known_at(self):
        log = Log()
        log.add("launch", "2020-01-01", "o", "o/a", recorded="2024-05-01T10:00:00.000Z")
        log.add("pause", "2020-02-01", "o", "o/a", recorded="2024-05-02T10:00:00.000Z")
        self.assertEqual(log.state("2021", known_at="2024-05-01")[0]["o"]["products"]["o/a"]["status"], "active")
        self.assertEqual(log.state("2021", known_at="2024-05-02T10:00:00Z")[0]["o"]["products"]["o/a"]["status"], "paused")
        self.assertEqual(log.state("2021", known_at="2024-05-02T12:00:00+02:00")[0]["o"]["products"]["o/a"]["status"], "paused")
        self.assertEqual(log.state("2021", known_at="2024-05-02T11:59:59.999+02:00")[0]["o"]["products"]["o/a"]["status"], "active")


class Kinds(unittest.TestCase):
    def test_products(self):
        log = Log()
        log.add("pause", "2020-01-01", "o", "o/p")
        log.add("throttle", "2020-01-02", "o", "o/t")
        log.add("launch", "2020-01-03", "o", "o/p", attrs={"type": "model"})
        e4 = log.add("launch", "2020-01-04", "o", "o/p")  # type kept, launched kept: no change
        log.add("retire", "2020-01-05", "o", "o/r")
        orgs, _ = log.state("2020")
        p = orgs["o"]["products"]
        self.assertEqual(p["o/p"], {"status": "active", "throttled": False, "type": "model",
                                    "since": "2020-01-03", "launched": "2020-01-03",
                                    "confidence": "reported", "event": log.events[2]["id"]})
        self.assertNotEqual(p["o/p"]["event"], e4)
        self.assertEqual((p["o/t"]["status"], p["o/t"]["throttled"], p["o/t"]["launched"]), ("active", True, None))
        self.assertEqual(p["o/r"]["status"], "retired")
        log.add("throttle", "2020-02-01", "o", "o/p")
        p = log.state("2020")[0]["o"]["products"]["o/p"]
        self.assertEqual((p["since"], p["throttled"], p["event"]), ("2020-01-03", True, log.events[-1]["id"]))

    def test_roles(self):
        log = Log()
        log.add("hire", "2020-01-01", "o", "ann", attrs={"role": "ceo"})
        log.add("hire", "2020-01-02", "o", "ann", attrs={"role": "cto"})
        log.add("hire", "2020-02-01", "o", "ann", attrs={"role": "ceo"})  # already holds it
        log.add("hire", "2020-01-03", "o", "bob", attrs={"role": "cfo"})
        log.add("depart", "2020-03-01", "o", "bob", attrs={"role": "ceo"})  # does not hold it
        roles = log.state("2020")[0]["o"]["roles"]
        self.assertEqual(roles["ceo"]["since"], "2020-01-01")
        self.assertEqual(set(roles), {"ceo", "cto", "cfo"})
        log.add("depart", "2020-04-01", "o", "ann")
        self.assertEqual(set(log.state("2020")[0]["o"]["roles"]), {"cfo"})

    def test_strategy_and_metrics_and_codenames(self):
        log = Log()
        log.add("strategy", "2020-01-01", "o", attrs={"focus": ["o/b", "o/a"], "deprioritize": ["o/c"]})
        log.add("strategy", "2020-01-02", "o", attrs={"focus": ["o/c"], "deprioritize": ["o/a"]})
        log.add("metric", "2020-01-03", "o", "o/a", attrs={"name": "mau", "value": 5, "unit": "users"})
        log.add("metric", "2020-01-04", "o", attrs={"name": "valuation", "value": 5e11})
        log.add("codename", "2020-01-05", "o", attrs={"codename": "kiwi"}, confidence="rumor")
        log.add("codename", "2020-01-06", "o", "o/a", attrs={"codename": "kiwi"}, confidence="rumor")
        log.add("codename", "2020-01-07", "o", attrs={"codename": "kiwi"}, confidence="confirmed")
        log.add("codename", "2020-01-08", "o", "o/a", attrs={"codename": "kiwi"}, confidence="rumor")
        log.add("launch", "2020-01-09", "o", "o/z", attrs={"codename": "fig"})
        log.add("report", "2020-01-10", "quiet")
        orgs, kept = log.state("2020")
        o = orgs["o"]
        self.assertEqual((o["focus"], o["deprioritized"]), (["o/b", "o/c"], ["o/a"]))
        self.assertEqual(o["metrics"]["o/a"]["mau"]["unit"], "users")
        self.assertEqual(o["metrics"]["o"]["valuation"], {"value": 5e11, "unit": None, "date": "2020-01-04",
                                                        "confidence": "reported", "event": log.events[3]["id"]})
        # The confirmed event naming no model does not state the link: it stays as sure as it was.
        self.assertEqual(o["codenames"]["kiwi"]["subject"], "o/a")
        self.assertEqual(o["codenames"]["kiwi"]["confidence"], "rumor")
        self.assertEqual(o["codenames"]["kiwi"]["date"], "2020-01-06")
        self.assertEqual(o["codenames"]["fig"]["subject"], "o/z")
        self.assertEqual(orgs["quiet"], fold.new_org())
        self.assertEqual(fold.basis(kept)["events"], 10)


def confidence_log():
    """Events that exercise every confidence rule (DESIGN.md "Confidence in
    every answer"); returns the log and the ids the tests look at."""
    log = Log()
    ids = {}
    # Heard of through a rumored throttle: `active` is a default no event stated.
    log.add("throttle", "2020-01-01", "o", "o/t", confidence="rumor")
    ids["t_launch"] = log.add("launch", "2020-01-02", "o", "o/t", confidence="confirmed")
    # Launched (reported), then again on the same date (confirmed); o/b later (confirmed),
    # with a type each time.
    log.add("launch", "2020-01-01", "o", "o/a")
    ids["a_same_day"] = log.add("launch", "2020-01-01", "o", "o/a", confidence="confirmed")
    ids["b_first"] = log.add("launch", "2020-01-01", "o", "o/b", attrs={"type": "model"})
    ids["b_later"] = log.add("launch", "2020-02-01", "o", "o/b", attrs={"type": "model"}, confidence="confirmed")
    # Same month, other precision: does not restate `launched`.
    log.add("launch", "2020-03", "o", "o/c", confidence="rumor")
    ids["c_day"] = log.add("launch", "2020-03-01", "o", "o/c", confidence="confirmed")
    # A less sure repeat changes nothing.
    ids["d_first"] = log.add("launch", "2020-01-01", "o", "o/d", confidence="confirmed")
    log.add("launch", "2020-01-01", "o", "o/d", confidence="rumor")
    log.add("resume", "2020-01-05", "o", "o/d")
    # Launched (confirmed): `throttled: false` is a default, which an unthrottle then states.
    ids["e_launch"] = log.add("launch", "2020-01-01", "o", "o/e", confidence="confirmed")
    ids["e_unthrottle"] = log.add("unthrottle", "2020-01-02", "o", "o/e", confidence="confirmed")
    # First heard of through an unthrottle: then `throttled: false` is stated.
    log.add("unthrottle", "2020-01-01", "o", "o/f")
    ids["f_launch"] = log.add("launch", "2020-01-02", "o", "o/f", confidence="rumor")
    ids["f_unthrottle"] = log.add("unthrottle", "2020-01-03", "o", "o/f", confidence="confirmed")
    # Roles.
    ids["ann_first"] = log.add("hire", "2020-01-01", "o", "ann", attrs={"role": "ceo"}, confidence="rumor")
    ids["ann_sure"] = log.add("hire", "2020-02-01", "o", "ann", attrs={"role": "ceo"}, confidence="confirmed")
    log.add("hire", "2020-03-01", "o", "ann", attrs={"role": "ceo"})
    # Metrics: a repeat keeps date and event unless surer; a unit is stated too.
    ids["m_first"] = log.add("metric", "2020-01-01", "o", attrs={"name": "mau", "value": 5})
    log.add("metric", "2020-01-02", "o", attrs={"name": "mau", "value": 5.0}, confidence="rumor")
    log.add("metric", "2020-01-03", "o", attrs={"name": "mau", "value": 5})
    ids["n_sure"] = log.add("metric", "2020-01-01", "o", attrs={"name": "arr", "value": 7, "unit": "USD"},
                            confidence="confirmed")
    ids["n_unit"] = log.add("metric", "2020-01-02", "o", attrs={"name": "arr", "value": 7}, confidence="rumor")
    log.add("metric", "2020-01-01", "o", "o/a", attrs={"name": "mau", "value": 1}, confidence="rumor")
    ids["x_sure"] = log.add("metric", "2020-01-02", "o", "o/a", attrs={"name": "mau", "value": 1},
                            confidence="confirmed")
    # --min-confidence: a rumored retraction below C is dropped, so its target stands.
    g = log.add("launch", "2020-01-01", "o", "o/g", confidence="confirmed")
    log.add("retract", "2020-01-02", attrs={"target": g}, confidence="rumor")
    return log, ids


class Confidence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log, cls.ids = confidence_log()
        cls.o = cls.log.state("2020")[0]["o"]

    def product(self, pid):
        p = self.o["products"][pid]
        return p["confidence"], p["event"], p["launched"]

    def test_a_default_counts_once_an_event_states_it(self):
        # The confirmed launch states the unstated `active` (and `launched`); the rumored throttle stays.
        self.assertEqual(self.product("o/t"), ("rumor", self.ids["t_launch"], "2020-01-02"))
        # An unthrottle states the default `throttled: false`, and becomes the entry's event.
        self.assertEqual(self.product("o/e"), ("confirmed", self.ids["e_unthrottle"], "2020-01-01"))
        # An unthrottle first states `throttled: false`; a surer one takes it over.
        self.assertEqual(self.product("o/f"), ("rumor", self.ids["f_unthrottle"], "2020-01-02"))

    def test_a_surer_repeat_takes_fields_over(self):
        self.assertEqual(self.product("o/a"), ("confirmed", self.ids["a_same_day"], "2020-01-01"))
        # Status and type taken over, but `launched` rests on the first launch.
        self.assertEqual(self.product("o/b"), ("reported", self.ids["b_later"], "2020-01-01"))
        self.assertEqual(self.o["products"]["o/b"]["since"], "2020-01-01")
        self.assertEqual(self.product("o/c"), ("rumor", self.ids["c_day"], "2020-03"))

    def test_a_less_sure_repeat_changes_nothing(self):
        self.assertEqual(self.product("o/d"), ("confirmed", self.ids["d_first"], "2020-01-01"))

    def test_roles(self):
        ceo = self.o["roles"]["ceo"]
        self.assertEqual((ceo["since"], ceo["event"], ceo["confidence"]), ("2020-01-01", self.ids["ann_sure"], "confirmed"))

    def test_metrics(self):
        m = self.o["metrics"]
        self.assertEqual(m["o"]["mau"], {"value": 5, "unit": None, "date": "2020-01-01",
                                         "confidence": "reported", "event": self.ids["m_first"]})
        # The value rests on the confirmed event, the unit (none) on the rumor.
        self.assertEqual(m["o"]["arr"], {"value": 7, "unit": None, "date": "2020-01-02",
                                         "confidence": "rumor", "event": self.ids["n_unit"]})
        self.assertEqual((m["o/a"]["mau"]["confidence"], m["o/a"]["mau"]["event"]), ("confirmed", self.ids["x_sure"]))

    def test_min_confidence(self):
        self.assertNotIn("o/g", self.o["products"])
        orgs, kept = self.log.state("2020", min_confidence="reported")
        self.assertIn("o/g", orgs["o"]["products"])
        self.assertTrue(all(e.get("confidence", "reported") != "rumor" for e in kept))
        # The surer events alone: o/t is first heard of through its launch.
        self.assertEqual(orgs["o"]["products"]["o/t"]["confidence"], "confirmed")
        self.assertNotIn("o/c", [pid for pid, p in orgs["o"]["products"].items() if p["launched"] == "2020-03"])


@unittest.skipUnless(os.environ.get("TIMELINE_BIN"), "set TIMELINE_BIN to a built timeline")
class AgainstTimeline(unittest.TestCase):
    """`timeline state --json` equals the fold on the logs above (compare.py)."""

    def test_confidence_log(self):
        import compare
        log, _ = confidence_log()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "log.jsonl")
            with open(path, "w") as f:
                f.write(log.lines())
            for at, least in (("2020", None), ("2020-01-01", None), ("2020", "reported"), ("2020", "confirmed")):
                cmd = [os.environ["TIMELINE_BIN"], "--log", path, "state", "--at", at, "--json"]
                argv = [path, at, "--state"]
                if least:
                    cmd += ["--min-confidence", least]
                    argv += ["--min-confidence", least]
                theirs = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
                ours = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "fold.py")] + argv,
                                                 check=True, capture_output=True, text=True).stdout)
                self.assertEqual(list(compare.diff_states(ours, theirs)), [], (at, least))


class PeersAgree(unittest.TestCase):
    """jq and SQLite peers give the reference's product statuses on a tricky log."""

    @classmethod
    def setUpClass(cls):
        log = Log()
        a = log.add("launch", "2020-01", "o", "o/a")
        log.add("pause", "2020-01-10", "o", "o/a")
        log.add("throttle", "2020", "o", "o/b")
        r = log.add("retract", "2020-03-01", attrs={"target": a})
        log.add("retract", "2020-03-02", attrs={"target": r})
        x = log.add("retire", "2020-02-01", "o", "o/c")
        y = log.add("resume", "2020-02-02", "o", "o/c", supersedes=x)
        log.add("pause", "2020-02-03", "o", "o/c", supersedes=r)
        log.add("unthrottle", "2020-02-03", "o", "o/d")
        log.add("launch", "2019-12-31", "o", "o/e", id="dup", recorded="2026-01-02T00:00:00.000Z")
        log.add("retire", "2019-12-31", "o", "o/e", id="dup", recorded="2026-01-01T12:00:00.000Z")
        del y
        cls.log = log
        cls.dir = tempfile.mkdtemp()
        cls.path = os.path.join(cls.dir, "log.jsonl")
        with open(cls.path, "w") as f:
            f.write(log.lines())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def expected(self, at):
        orgs, _ = self.log.state(at)
        return {pid: [p["status"], p["throttled"]] for o in orgs.values() for pid, p in o["products"].items()}

    def check(self, cmd, at):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        self.assertEqual(json.loads(out)["products"], self.expected(at), cmd)

    def test_python_loaders(self):
        for loader in ("json", "orjson"):
            for at in ("2020-01-15", "2020-12-31", "2020"):
                self.check([sys.executable, os.path.join(HERE, "fold_%s.py" % loader), self.path, at], at)

    @unittest.skipUnless(shutil.which("jq"), "jq not installed")
    def test_jq(self):
        for at in ("2020-01-15", "2020-12-31", "2020", "2019"):
            self.check(["jq", "-n", "--arg", "at", at, "-f", os.path.join(HERE, "fold.jq"), self.path], at)

    def test_sqlite(self):
        db = os.path.join(self.dir, "db.sqlite")
        subprocess.run([sys.executable, os.path.join(HERE, "sqlite_fold.py"), "load", self.path, db], check=True)
        for at in ("2020-01-15", "2020-12-31", "2020", "2019"):
            self.check([sys.executable, os.path.join(HERE, "sqlite_fold.py"), "query", db, at], at)


if __name__ == "__main__":
    unittest.main()
