#!/usr/bin/env python3
"""Checks a generated log against DESIGN.md, line by line, and prints its shape.

    python3 bench/verify_log.py LOG

Exits 1 on the first few problems (each printed as `LOG:LINE: error: ...`).
Checked: valid JSON with no duplicate keys; every line byte-for-byte its own
canonical encoding (so key order, escaping and number form are right); content
ids match; dates are real Gregorian dates; kinds, org and subject slugs, the
attrs each kind needs; confidence; source keys; `retract` targets and
`supersedes` name an earlier event that is not a retraction; `recorded` is
RFC 3339 UTC with milliseconds and strictly increasing; one id never carries
two contents. This is the generator's test, not a replacement for `check`.
"""

import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canonical import FIELDS, canonical_line, content_id  # noqa: E402

KINDS = {"launch", "pause", "resume", "retire", "throttle", "unthrottle", "hire", "depart",
         "codename", "strategy", "metric", "report", "retract"}
PRODUCT_KINDS = {"launch", "pause", "resume", "retire", "throttle", "unthrottle"}
ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")
HEX12 = re.compile(r"[0-9a-f]{12}\Z")
ORG_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9.-]*\Z")
REC_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\Z")
SOURCE_KEYS = {"title", "publisher", "url", "date"}


def no_dupes(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def valid_date(s):
    try:
        if len(s) == 4 and s.isdigit():
            return True
        if len(s) == 7:
            datetime.date.fromisoformat(s + "-01")
            return True
        if len(s) == 10:
            datetime.date.fromisoformat(s)
            return True
    except ValueError:
        pass
    return False


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def problems_of(ev, kinds_by_id):
    """Yields what is wrong with one parsed event."""
    keys = list(ev)
    if any(k not in FIELDS for k in keys):
        yield "unknown field"
    kind = ev.get("kind")
    if not isinstance(ev.get("id"), str) or not ID_RE.match(ev["id"]):
        yield "bad id"
    elif HEX12.match(ev["id"]) and content_id(ev) != ev["id"]:
        yield "content id %s does not match content (%s)" % (ev["id"], content_id(ev))
    if not isinstance(ev.get("date"), str) or not valid_date(ev["date"]):
        yield "bad date %r" % ev.get("date")
    if not isinstance(kind, str) or not (kind in KINDS or kind.startswith("x-")):
        yield "bad kind %r" % kind
    org = ev.get("org")
    subject = ev.get("subject")
    attrs = ev.get("attrs", {})
    if kind == "retract":
        if org is not None or subject is not None:
            yield "retract with org or subject"
        t = attrs.get("target")
        if not isinstance(t, str) or t not in kinds_by_id:
            yield "retract target %r not an earlier event" % t
        elif kinds_by_id[t] == "retract":
            yield "retract of a retraction"
    elif not isinstance(org, str) or not ORG_RE.match(org):
        yield "bad org %r" % org
    if subject is not None:
        parts = subject.split("/")
        if len(parts) > 2 or not all(SLUG_RE.match(p) for p in parts):
            yield "bad subject %r" % subject
        if kind in PRODUCT_KINDS or kind in ("codename", "metric"):
            if len(parts) == 2 and parts[0] != org:
                yield "product subject %r not of org %r" % (subject, org)
    if kind in PRODUCT_KINDS and (subject is None or "/" not in subject):
        yield "product kind without product subject"
    if kind == "metric" and subject is not None and "/" not in subject and subject != org:
        yield "metric subject neither a product of the org nor the org"
    if not isinstance(attrs, dict):
        yield "attrs not an object"
        attrs = {}
    for k, v in attrs.items():
        ok = isinstance(v, (str, bool)) or is_number(v) or (
            isinstance(v, list) and all(isinstance(x, str) for x in v))
        if not ok:
            yield "attr %s has a bad value" % k
    if kind == "hire" and not isinstance(attrs.get("role"), str):
        yield "hire without role"
    if kind == "codename" and not isinstance(attrs.get("codename"), str):
        yield "codename without codename"
    if kind == "metric" and not (isinstance(attrs.get("name"), str) and is_number(attrs.get("value"))):
        yield "metric without name/value"
    if kind == "strategy":
        for k in ("focus", "deprioritize"):
            if k in attrs and not isinstance(attrs[k], list):
                yield "strategy %s not an array" % k
    if ev.get("confidence") not in ("rumor", "reported", "confirmed"):
        yield "bad confidence"
    src = ev.get("source")
    if src is not None:
        if not isinstance(src, dict) or set(src) - SOURCE_KEYS or not ("title" in src or "url" in src):
            yield "bad source"
        elif not all(isinstance(v, str) for v in src.values()):
            yield "source value not a string"
    sup = ev.get("supersedes")
    if sup is not None:
        if sup not in kinds_by_id:
            yield "supersedes %r: no earlier event" % sup
        elif kinds_by_id[sup] == "retract":
            yield "supersedes a retraction"
    if not isinstance(ev.get("recorded"), str) or not REC_RE.match(ev["recorded"]):
        yield "bad recorded %r" % ev.get("recorded")


def main():
    path = sys.argv[1]
    kinds_by_id = {}
    content_by_id = {}
    errors = 0
    prev_rec = ""
    n = partial_m = partial_y = retracts = supersedes = dups = 0
    out_of_order = 0
    max_date_seen = ""
    launched = set()
    first_seen_unlaunched = set()
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            problems = []
            if not raw.endswith(b"\n"):
                problems.append("final line without newline")
            text = raw.decode("utf-8").rstrip("\n")
            try:
                ev = json.loads(text, object_pairs_hook=no_dupes)
            except ValueError as e:
                problems.append("invalid JSON: %s" % e)
                ev = None
            if ev is not None:
                if canonical_line(ev) != text:
                    problems.append("not canonical:\n  got  %s\n  want %s" % (text, canonical_line(ev)))
                problems.extend(problems_of(ev, kinds_by_id))
                rec = ev.get("recorded", "")
                if rec <= prev_rec:
                    problems.append("recorded %s not after %s" % (rec, prev_rec))
                prev_rec = rec
                i = ev.get("id")
                body = canonical_line(ev, with_id=False)
                if i in content_by_id:
                    if content_by_id[i] != body:
                        problems.append("id %s reused for different content" % i)
                    dups += 1
                else:
                    content_by_id[i] = body
                    kinds_by_id[i] = ev.get("kind")
                n += 1
                d = ev.get("date", "")
                partial_m += len(d) == 7
                partial_y += len(d) == 4
                retracts += ev.get("kind") == "retract"
                supersedes += "supersedes" in ev
                if d < max_date_seen:
                    out_of_order += 1
                else:
                    max_date_seen = d
                k = ev.get("kind")
                s = ev.get("subject")
                if k == "launch":
                    launched.add(s)
                elif k in PRODUCT_KINDS and s not in launched:
                    first_seen_unlaunched.add(s)
            for p in problems:
                errors += 1
                print("%s:%d: error: %s" % (path, lineno, p))
            if errors >= 20:
                print("too many errors")
                sys.exit(1)
    size = os.path.getsize(path)
    print("%s: %d lines ok, %.1f bytes/line; partial dates %.1f%% YYYY-MM, %.1f%% YYYY; "
          "retractions %.1f%%; supersedes %.1f%%; repeated ids %.2f%%; lines dated before an "
          "earlier line's date %.0f%%; products launched %d, first named before any launch line %d"
          % (path, n, size / max(n, 1), 100 * partial_m / n, 100 * partial_y / n,
             100 * retracts / n, 100 * supersedes / n, 100 * dups / n, 100 * out_of_order / n,
             len(launched), len(first_seen_unlaunched - launched)))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
