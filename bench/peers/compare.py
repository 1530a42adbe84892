#!/usr/bin/env python3
"""Compares two as-of answers: peers' compact results, fold.py --state, or
`timeline state --json`.

    python3 bench/peers/compare.py A.json B.json [--products-only]

Each file is either the compact result {"at", "products": {ID: [STATUS,
THROTTLED]}} or a `state` document of DESIGN.md. When both are `state`
documents every section is compared (products, roles, focus, deprioritized,
metrics, codenames, every entry's confidence, and basis); otherwise, or with --products-only, product
statuses and throttled flags only. Numbers are compared as doubles; keys
beyond DESIGN.md's shape are ignored ("more keys may be added").
Prints the first differences and exits 1 when the answers differ.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SECTIONS = {
    "products": ("status", "throttled", "type", "since", "launched", "confidence", "event"),
    "roles": ("person", "since", "confidence", "event"),
    "codenames": ("subject", "confidence", "date", "event"),
}
METRIC_FIELDS = ("value", "unit", "date", "confidence", "event")


def is_state(doc):
    return isinstance(doc.get("orgs"), dict)


def statuses(doc):
    if is_state(doc):
        return {pid: [p["status"], p["throttled"]]
                for o in doc["orgs"].values() for pid, p in o.get("products", {}).items()}
    return {k: list(v) for k, v in doc["products"].items()}


def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return a == b


def diff_states(a, b):
    """Yields (path, left, right) for every difference in DESIGN.md's shape."""
    # `at` and `knownAt` may be echoed as given (2025-12) or as what they mean
    # (2025-12-31, 2025-12-31T23:59:59.999Z): DESIGN.md does not say which,
    # so both are taken as the same.
    from fold import last_day
    if last_day(a.get("at") or "") != last_day(b.get("at") or ""):
        yield "at", a.get("at"), b.get("at")
    from fold import known_at_bound
    ka, kb = a.get("knownAt"), b.get("knownAt")
    if (ka is None) != (kb is None) or (ka is not None and known_at_bound(ka) != known_at_bound(kb)):
        yield "knownAt", a.get("knownAt"), b.get("knownAt")
    if "basis" in a and "basis" in b and a["basis"] != b["basis"]:
        yield "basis", a["basis"], b["basis"]
    for org in sorted(set(a["orgs"]) | set(b["orgs"])):
        oa, ob = a["orgs"].get(org), b["orgs"].get(org)
        if oa is None or ob is None:
            yield "orgs." + org, "present" if oa else None, "present" if ob else None
            continue
        for section, fields in SECTIONS.items():
            sa, sb = oa.get(section, {}), ob.get(section, {})
            for key in sorted(set(sa) | set(sb)):
                ea, eb = sa.get(key), sb.get(key)
                path = "%s.%s.%s" % (org, section, key)
                if ea is None or eb is None:
                    yield path, ea, eb
                    continue
                for f in fields:
                    if not same(ea.get(f), eb.get(f)):
                        yield path + "." + f, ea.get(f), eb.get(f)
        for section in ("focus", "deprioritized"):
            if oa.get(section, []) != ob.get(section, []):
                yield "%s.%s" % (org, section), oa.get(section), ob.get(section)
        ma, mb = oa.get("metrics", {}), ob.get("metrics", {})
        for subject in sorted(set(ma) | set(mb)):
            na, nb = ma.get(subject, {}), mb.get(subject, {})
            for name in sorted(set(na) | set(nb)):
                ea, eb = na.get(name), nb.get(name)
                path = "%s.metrics.%s.%s" % (org, subject, name)
                if ea is None or eb is None:
                    yield path, ea, eb
                    continue
                for f in METRIC_FIELDS:
                    if not same(ea.get(f), eb.get(f)):
                        yield path + "." + f, ea.get(f), eb.get(f)


def main():
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    products_only = "--products-only" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    with open(args[0], "rb") as f:
        a = json.load(f)
    with open(args[1], "rb") as f:
        b = json.load(f)
    if is_state(a) and is_state(b) and not products_only:
        diffs = list(diff_states(a, b))
        what = "states"
    else:
        sa, sb = statuses(a), statuses(b)
        diffs = [(k, sa.get(k), sb.get(k)) for k in sorted(set(sa) | set(sb)) if sa.get(k) != sb.get(k)]
        what = "product statuses (%d and %d products)" % (len(sa), len(sb))
    for path, x, y in diffs[:20]:
        print("%s: %s != %s" % (path, json.dumps(x), json.dumps(y)))
    if diffs:
        print("%s differ: %d differences" % (what, len(diffs)))
        sys.exit(1)
    print("%s agree" % what)


if __name__ == "__main__":
    main()
