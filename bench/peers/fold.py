#!/usr/bin/env python3
"""The as-of fold of a timeline log, written in plain Python.

    python3 bench/peers/fold.py [--loader orjson|json] LOG AT [--known-at T] [--org O]
                                [--min-confidence C] [--state]

Two jobs:

* a benchmark peer: what a user would script instead of `timeline state --at`
  (bench/peers/fold_orjson.py and fold_json.py run this with each JSON loader);
* an independent oracle for `timeline state --at AT --json`: with --state it
  prints the `state` JSON shape of DESIGN.md ("JSON shapes"), `basis`
  included, with sorted keys and numbers in ECMAScript form.

Without --state it prints the compact result every peer prints, so they can be
compared (bench/peers/compare.py):

    {"at": AT, "products": {PRODUCT_ID: [STATUS, THROTTLED], ...}}

It follows DESIGN.md "Replay semantics", rules 1 to 6, then "Kinds". Where
DESIGN.md leaves room, the choice made here (the Swift side made the same
ones; each is marked CHOICE below):

* CHOICE (rule 2): the earliest `recorded` wins among lines with one id; a
  line without `recorded` loses to any line with one and sorts after every
  line with one in rule 6; equal `recorded`: the smaller canonical text wins.
* CHOICE (rule 4): "still standing" means not retracted. A correction that is
  itself superseded still drops what it superseded (A <- B <- C leaves C), and
  supersession, like retraction, ignores --at: a correction dated after AT
  still replaces the original at AT. `supersedes` naming a retraction, or an
  id not in the log, does nothing; so does a retraction of a retraction.
* CHOICE (orgs): an org appears in the state as soon as any folded event names
  it, whatever its kind (a report, an x- event), even if every section stays
  empty.
* products are created only by the product kinds (launch .. unthrottle): by
  launch/resume/unthrottle active, by pause paused, by retire retired, by
  throttle active and throttled. `since` is the date the status last changed
  (or the entry appeared). `launched` is the date of the first launch folded,
  null until one is. CHOICE: `type` is set by each launch that has a `type`
  attr and kept by a launch without one (null if no launch had one).
* confidence (DESIGN.md "Confidence in every answer"): each field of an entry
  rests on the event that set its current value. An event states some fields
  (a product kind its status, or throttle/unthrottle its throttling; a launch
  also its `launched` date, and its `type` if it has one; a metric its value
  and its unit, none being a unit too). A stated value that differs replaces
  the field and rests on the event; the same value moves the field to the
  event only when the event is surer (rumor < reported < confirmed, missing =
  reported). The defaults of a product first heard of (`active` when its
  first event is a throttle/unthrottle, `throttled: false` when it is not)
  rest on no event and don't count, until an event states them: the field
  then rests on that event, whatever its confidence. A launch restates
  `launched` only when dated exactly as the first launch (same day, same
  precision). The entry's `confidence` is the lowest among its stated fields;
  its `event` is the last event that changed a value or took a field over
  (an event that does neither leaves the entry as it was, `since` included).
* roles: hire gives the role to the person; a hire of the holder changes
  nothing (so `since` stays) unless it is surer, when it takes the entry over
  (`event` and `confidence`, not `since`); depart with `role` removes it only
  if that person holds it; depart without `role` removes every role the
  person holds at that org.
* focus/deprioritized: the `focus` items are applied first, then the
  `deprioritize` items (so an item in both ends deprioritized); both lists
  kept sorted by code point.
* metrics: one entry per (org, subject, name); the subject defaults to the
  org; `unit` null if absent. A metric repeated later with the same value and
  unit keeps the earlier `date` and `event` unless it is surer (see
  confidence). Values are doubles (RFC 8785), so every loader gives the same
  numbers.
* CHOICE (codenames): launch with a `codename` attr links the codename to the
  launched product; a codename event links it to its subject when it has one
  and keeps the previous subject (null for a new codename) when not. A link
  to a new subject replaces the entry (its confidence included); the same
  link seen again only raises the entry's confidence, never lowers it, and
  then takes that event's date and id. A codename event without subject
  leaves an existing link as it is (it does not state the link, the entry's
  one field), unless the entry has no subject either (the same "link").
* --min-confidence C: the replay runs as if the log held only the events of
  confidence C or higher (before rule 2), so a retraction or correction below
  C is dropped and its target stands.
* basis: the events folded after every filter (--org included), retractions
  never; the digest is SHA-256 of their ids sorted by code point, joined by
  "\\n" with no final newline.
* CHOICE (output): `at` and `knownAt` are echoed as given (`2025-12`); the
  Swift tool prints what they mean (`2025-12-31`, `...T23:59:59.999Z`), and
  compare.py takes both as equal. A folder log is its top-level *.jsonl
  files (not subfolders).
"""

import argparse
import calendar
import datetime
import gc
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

PRODUCT_KINDS = ("launch", "pause", "resume", "retire", "throttle", "unthrottle")
CONFIDENCE_RANK = {"rumor": 0, "reported": 1, "confirmed": 2}
NO_RECORDED = "\U0010ffff"  # sorts after every RFC 3339 timestamp


# ------------------------------------------------------------------ dates

_first_day = {}
_last_day = {}


def first_day(date):
    """First day of a date's period: 2025 -> 2025-01-01, 2025-11 -> 2025-11-01."""
    d = _first_day.get(date)
    if d is None:
        d = _first_day[date] = date if len(date) == 10 else date + "-01" if len(date) == 7 else date + "-01-01"
    return d


def last_day(date):
    """Last day of a date's period: 2025 -> 2025-12-31, 2024-02 -> 2024-02-29."""
    d = _last_day.get(date)
    if d is None:
        if len(date) == 10:
            d = date
        elif len(date) == 7:
            y, m = int(date[:4]), int(date[5:7])
            d = "%s-%02d" % (date, calendar.monthrange(y, m)[1])
        else:
            d = date + "-12-31"
        _last_day[date] = d
    return d


def known_at_bound(t):
    """--known-at T as a `recorded` string: a date means the end of that UTC day
    (a partial date the end of its period)."""
    if len(t) in (4, 7, 10) and "T" not in t:
        return last_day(t) + "T23:59:59.999Z"
    s = t.replace("z", "Z")
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    dt = datetime.datetime.fromisoformat(s).astimezone(datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


# ------------------------------------------------------------------ reading

def log_files(path):
    """Rule 1: a .jsonl file, or every *.jsonl file of a folder (one set)."""
    if os.path.isdir(path):
        return sorted(os.path.join(path, f) for f in os.listdir(path)
                      if f.endswith(".jsonl") and os.path.isfile(os.path.join(path, f)))
    return [path]


def read_events(path, loads):
    """Yields (file, line number, event dict) for every line of the log.

    A final line without a newline is a torn append: warned about and ignored.
    A malformed line stops the fold with its file:line, as rule 1 says.
    """
    for name in log_files(path):
        with open(name, "rb") as f:
            lineno = 0
            for raw in f:
                lineno += 1
                if not raw.endswith(b"\n"):
                    print("fold: warning: %s:%d: torn final line ignored" % (name, lineno), file=sys.stderr)
                    break
                try:
                    ev = loads(raw)
                except ValueError as e:
                    sys.exit("fold: error: %s:%d: %s" % (name, lineno, e))
                yield ev


# ------------------------------------------------------------------ replay

def canonical_text(ev):
    from canonical import canonical_line
    return canonical_line(ev, with_id=False)


def replay(events, at, known_at=None, org=None, min_confidence=None):
    """Rules 2 to 6: the events folded at `at`, in fold order."""
    if min_confidence not in (None, "rumor"):
        # As if the log held only the events sure enough.
        least = CONFIDENCE_RANK[min_confidence]
        events = (e for e in events if CONFIDENCE_RANK[e.get("confidence") or "reported"] >= least)
    # Rule 2: one event per id (a missing id is the content id).
    by_id = {}
    for ev in events:
        i = ev.get("id")
        if i is None:
            from canonical import content_id
            i = ev["id"] = content_id(ev)
        cur = by_id.get(i)
        if cur is None:
            by_id[i] = ev
            continue
        a, b = ev.get("recorded", NO_RECORDED), cur.get("recorded", NO_RECORDED)
        if a < b or (a == b and canonical_text(ev) < canonical_text(cur)):
            by_id[i] = ev

    # Rule 3: what the log knew at T.
    events = by_id.values()
    if known_at is not None:
        bound = known_at_bound(known_at)
        events = [e for e in events if e.get("recorded", "") <= bound]

    # Rule 4: retractions, then corrections; neither looks at --at.
    retract_ids = set()
    targets = []
    for e in events:
        if e["kind"] == "retract":
            retract_ids.add(e["id"])
            targets.append((e.get("attrs") or {}).get("target"))
    known = by_id if known_at is None else {e["id"] for e in events}
    # A retraction of a retraction, or of an id not in the log, does nothing.
    retracted = {t for t in targets if t in known and t not in retract_ids}
    standing = [e for e in events if e["kind"] != "retract" and e["id"] not in retracted]
    superseded = {t for t in (e.get("supersedes") for e in standing)
                  if t is not None and t in known and t not in retract_ids}

    # Rule 5: what had certainly happened by the end of AT.
    end = last_day(at)
    kept = [e for e in standing
            if last_day(e["date"]) <= end and e["id"] not in superseded
            and (org is None or e.get("org") == org)]

    # Rule 6: (first day of the period, recorded, id).
    kept.sort(key=lambda e: (first_day(e["date"]), e.get("recorded", NO_RECORDED), e["id"]))
    return kept


# ------------------------------------------------------------------ the fold

def new_org():
    return {"products": {}, "roles": {}, "focus": [], "deprioritized": [], "metrics": {}, "codenames": {}}


def apply_product(o, ev, rank):
    """A product kind. Each product is kept as a list while folding:
    [status, throttled, type, launched, the rank of the event each of those
    four rests on (None: a default no event stated), since, event]; finish()
    turns it into the entry."""
    pid = ev.get("subject")
    if pid is None:
        return
    kind = ev["kind"]
    date = ev["date"]
    p = o["products"].get(pid)
    touched = p is None
    if touched:
        # A product first heard of: its event states its throttling or its status, not both.
        if kind == "throttle" or kind == "unthrottle":
            p = o["products"][pid] = ["active", False, None, None, None, rank, None, None, date, ev["id"]]
        else:
            p = o["products"][pid] = ["active", False, None, None, rank, None, None, None, date, ev["id"]]
    if kind == "throttle" or kind == "unthrottle":
        field, value = P_THROTTLED, kind == "throttle"
    else:
        field, value = P_STATUS, STATUS_AFTER[kind]
        if value != p[P_STATUS]:
            p[P_SINCE] = date
    if state_value(p, field, value, rank):
        touched = True
    if kind == "launch":
        if p[P_LAUNCHED] is None:
            p[P_LAUNCHED] = date
            p[P_LAUNCHED + SURE] = rank
            touched = True
        elif p[P_LAUNCHED] == date and rank > p[P_LAUNCHED + SURE]:
            # Dated as the first launch (same precision): states that date again, surer.
            p[P_LAUNCHED + SURE] = rank
            touched = True
        t = (ev.get("attrs") or {}).get("type")
        if isinstance(t, str) and state_value(p, P_TYPE, t, rank):
            touched = True
    if touched:
        p[P_EVENT] = ev["id"]


P_STATUS, P_THROTTLED, P_TYPE, P_LAUNCHED, P_SINCE, P_EVENT = 0, 1, 2, 3, 8, 9
SURE = 4  # field i (status, throttled, type, launched) rests on the rank p[i + SURE]
STATUS_AFTER = {"launch": "active", "resume": "active", "pause": "paused", "retire": "retired"}


def state_value(p, field, value, rank):
    """An event states `value` for p[field]: a new value rests on the event;
    the same value moves to it when it is surer, or when the field holds a
    default no event stated (rank None), which the event now states.
    Returns whether the field changed or was taken over."""
    if p[field] != value:
        p[field] = value
        p[field + SURE] = rank
        return True
    r = p[field + SURE]
    if r is None or rank > r:
        p[field + SURE] = rank
        return True
    return False


def link_codename(o, codename, subject, ev):
    conf = ev.get("confidence") or "reported"
    cur = o["codenames"].get(codename)
    if cur is not None and (subject is None or subject == cur["subject"]):
        if subject == cur["subject"] and CONFIDENCE_RANK[conf] > CONFIDENCE_RANK[cur["confidence"]]:
            o["codenames"][codename] = {"subject": cur["subject"], "confidence": conf,
                                        "date": ev["date"], "event": ev["id"]}
        return
    o["codenames"][codename] = {"subject": subject, "confidence": conf, "date": ev["date"], "event": ev["id"]}


def insert_sorted(lst, item):
    if item not in lst:
        lst.append(item)
        lst.sort()  # Python compares str by code point


def fold(kept):
    """DESIGN.md "Kinds": the competitor state after folding `kept` in order."""
    orgs = {}
    for ev in kept:
        org = ev.get("org")
        if org is None:
            continue
        o = orgs.get(org)
        if o is None:
            o = orgs[org] = new_org()
        kind = ev["kind"]
        attrs = ev.get("attrs") or {}
        rank = CONFIDENCE_RANK[ev.get("confidence") or "reported"]
        if kind in PRODUCT_KINDS:
            apply_product(o, ev, rank)
            if kind == "launch" and isinstance(attrs.get("codename"), str) and ev.get("subject"):
                link_codename(o, attrs["codename"], ev["subject"], ev)
        elif kind == "hire":
            person, role = ev.get("subject"), attrs.get("role")
            if person is None or not isinstance(role, str):
                continue
            cur = o["roles"].get(role)
            if cur is None or cur["person"] != person:
                o["roles"][role] = {"person": person, "since": ev["date"], "event": ev["id"], "confidence": rank}
            elif rank > cur["confidence"]:
                # The holder again, surer: takes the entry over (since stays).
                cur["event"] = ev["id"]
                cur["confidence"] = rank
        elif kind == "depart":
            person, role = ev.get("subject"), attrs.get("role")
            if person is None:
                continue
            if isinstance(role, str):
                if o["roles"].get(role, {}).get("person") == person:
                    del o["roles"][role]
            else:
                for r in [r for r, h in o["roles"].items() if h["person"] == person]:
                    del o["roles"][r]
        elif kind == "codename":
            if isinstance(attrs.get("codename"), str):
                link_codename(o, attrs["codename"], ev.get("subject"), ev)
        elif kind == "strategy":
            for item in attrs.get("focus") or []:
                insert_sorted(o["focus"], item)
                if item in o["deprioritized"]:
                    o["deprioritized"].remove(item)
            for item in attrs.get("deprioritize") or []:
                if item in o["focus"]:
                    o["focus"].remove(item)
                insert_sorted(o["deprioritized"], item)
        elif kind == "metric":
            name, value = attrs.get("name"), attrs.get("value")
            if not isinstance(name, str) or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            value = float(value)
            unit = attrs.get("unit")
            if not isinstance(unit, str):
                unit = None
            subject = ev.get("subject") or org
            names = o["metrics"].get(subject)
            if names is None:
                names = o["metrics"][subject] = {}
            m = names.get(name)
            if m is None:
                # [value, unit, rank of value, rank of unit, date, event]
                names[name] = [value, unit, rank, rank, ev["date"], ev["id"]]
                continue
            touched = False
            if m[0] != value or rank > m[2]:
                m[0], m[2], touched = value, rank, True
            if m[1] != unit or rank > m[3]:
                m[1], m[3], touched = unit, rank, True
            if touched:
                m[4], m[5] = ev["date"], ev["id"]
        # report, x-...: no effect (the org appears, see CHOICE above)
    return finish(orgs)


CONFIDENCE_NAME = ("rumor", "reported", "confirmed")


def finish(orgs):
    """The entries of DESIGN.md's `state` shape, each with its confidence:
    the lowest among its stated fields."""
    for o in orgs.values():
        products = o["products"]
        for pid, p in products.items():
            lowest = min(r for r in p[SURE:SURE + 4] if r is not None)
            products[pid] = {"status": p[P_STATUS], "throttled": p[P_THROTTLED], "type": p[P_TYPE],
                             "since": p[P_SINCE], "launched": p[P_LAUNCHED], "event": p[P_EVENT],
                             "confidence": CONFIDENCE_NAME[lowest]}
        for r in o["roles"].values():
            r["confidence"] = CONFIDENCE_NAME[r["confidence"]]
        for names in o["metrics"].values():
            for name, m in names.items():
                names[name] = {"value": m[0], "unit": m[1], "date": m[4], "event": m[5],
                               "confidence": CONFIDENCE_NAME[min(m[2], m[3])]}
    return orgs


def basis(kept):
    ids = sorted(e["id"] for e in kept)
    return {"events": len(ids), "digest": hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()}


# ------------------------------------------------------------------ output

def to_json(v):
    """Compact JSON with sorted keys, minimal string escapes and ECMAScript
    numbers, so both loaders print byte-identical answers."""
    from canonical import encode_number, encode_string
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return encode_string(v)
    if isinstance(v, (int, float)):
        return encode_number(v)
    if isinstance(v, dict):
        return "{" + ",".join(encode_string(k) + ":" + to_json(v[k]) for k in sorted(v)) + "}"
    return "[" + ",".join(to_json(x) for x in v) + "]"


def main(argv=None, loader=None):
    ap = argparse.ArgumentParser(description="As-of fold of a timeline log (reference and benchmark peer).")
    ap.add_argument("log")
    ap.add_argument("at", help="YYYY, YYYY-MM or YYYY-MM-DD (a partial date is the end of its period)")
    ap.add_argument("--known-at", help="RFC 3339 timestamp or date (end of that UTC day)")
    ap.add_argument("--org")
    ap.add_argument("--min-confidence", choices=("rumor", "reported", "confirmed"),
                    help="as if the log held only the events of this confidence or higher")
    ap.add_argument("--state", action="store_true", help="print the full `state` JSON of DESIGN.md")
    ap.add_argument("--loader", choices=("orjson", "json"), default=loader or "orjson")
    a = ap.parse_args(argv)
    if a.loader == "orjson":
        import orjson
        loads = orjson.loads
    else:
        import json
        loads = json.loads
    # Every object here is acyclic: the cycle collector would only rescan
    # millions of event dicts (a third of the run time at 1M events).
    gc.disable()
    kept = replay(read_events(a.log, loads), a.at, a.known_at, a.org, a.min_confidence)
    orgs = fold(kept)
    if a.state:
        out = {"at": a.at, "knownAt": a.known_at, "orgs": orgs, "basis": basis(kept)}
    else:
        out = {"at": a.at, "products": {pid: [p["status"], p["throttled"]]
                                        for o in orgs.values() for pid, p in o["products"].items()}}
    sys.stdout.write(to_json(out) + "\n")


if __name__ == "__main__":
    main()
