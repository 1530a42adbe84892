#!/usr/bin/env python3
"""The as-of fold as a SQLite user would write it: product statuses only.

    python3 bench/peers/sqlite_fold.py load LOG DB     # JSON lines -> table (timed apart)
    python3 bench/peers/sqlite_fold.py query DB AT     # the as-of query on the loaded table
    python3 bench/peers/sqlite_fold.py LOG AT          # both, timings on standard error

`query` prints the compact result every peer prints (bench/peers/fold.py):
    {"at": AT, "products": {PRODUCT_ID: [STATUS, THROTTLED], ...}}

Loading parses each line with SQLite's own JSON functions into a table with
one row per id (rule 2 of DESIGN.md: the earliest `recorded` is kept), and
computes each date's first and last day once.
The query then does the rest in SQL: rule 4 (retractions that do not target a
retraction; `supersedes` by an event not retracted, of anything but a
retraction; neither looks at AT), rule 5 (last day of the period on or before
the end of AT's period) and rule 6 (the last status event and the last
throttle event per product in (first day, recorded, id) order decide).

Reduced on purpose: products only (no roles, focus, metrics, codenames,
basis), no --known-at, no --org.
"""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SCHEMA = """
CREATE TABLE raw (line TEXT);
"""

# Parse every line once with SQLite's JSON functions, then keep one row per
# id, the earliest recorded (rule 2; SQLite takes the other columns from the
# row where min() found its value). Building the table sorted by a GROUP BY
# is 4x faster than upserting into a primary key in the log's random id order.
LOAD = """
CREATE TABLE parsed AS
SELECT id, date, recorded, kind, org, subject, supersedes, target,
       CASE length(date) WHEN 10 THEN date WHEN 7 THEN date || '-01' ELSE date || '-01-01' END AS first_day,
       CASE length(date) WHEN 10 THEN date
                         WHEN 7 THEN date(date || '-01', '+1 month', '-1 day')
                         ELSE date || '-12-31' END AS last_day
FROM (SELECT line ->> '$.id' AS id, line ->> '$.date' AS date, line ->> '$.recorded' AS recorded,
             line ->> '$.kind' AS kind, line ->> '$.org' AS org, line ->> '$.subject' AS subject,
             line ->> '$.supersedes' AS supersedes, line ->> '$.attrs.target' AS target
      FROM raw);
CREATE TABLE events AS
SELECT id, date, first_day, last_day, min(recorded) AS recorded, kind, org, subject, supersedes, target
FROM parsed GROUP BY id;
DROP TABLE parsed;
DROP TABLE raw;
"""

QUERY = """
WITH
  bound(at_end) AS (SELECT CASE length(:at) WHEN 10 THEN :at
                                            WHEN 7 THEN date(:at || '-01', '+1 month', '-1 day')
                                            ELSE :at || '-12-31' END),
  retraction(id) AS (SELECT id FROM events WHERE kind = 'retract'),
  retracted(id) AS (SELECT target FROM events
                    WHERE kind = 'retract' AND target NOT IN retraction),
  superseded(id) AS (SELECT supersedes FROM events
                     WHERE supersedes IS NOT NULL AND kind <> 'retract'
                       AND id NOT IN retracted AND supersedes NOT IN retraction),
  kept AS MATERIALIZED (
    SELECT id, kind, subject, first_day, recorded FROM events, bound
    WHERE kind IN ('launch', 'pause', 'resume', 'retire', 'throttle', 'unthrottle')
      AND last_day <= at_end
      AND id NOT IN retracted AND id NOT IN superseded),
  ranked AS (
    SELECT subject, kind,
           row_number() OVER (PARTITION BY subject, kind IN ('throttle', 'unthrottle')
                              ORDER BY first_day DESC, recorded DESC, id DESC) AS n
    FROM kept)
SELECT subject,
       coalesce(max(CASE kind WHEN 'pause' THEN 'paused' WHEN 'retire' THEN 'retired'
                              WHEN 'launch' THEN 'active' WHEN 'resume' THEN 'active' END),
                'active') AS status,
       coalesce(max(CASE kind WHEN 'throttle' THEN 1 WHEN 'unthrottle' THEN 0 END), 0) AS throttled
FROM ranked WHERE n = 1
GROUP BY subject
ORDER BY subject;
"""


def load(log, db):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    with open(log, "r", encoding="utf-8") as f:
        # A final line without a newline is a torn append (rule 1): skipped.
        con.executemany("INSERT INTO raw VALUES (?)", ((line,) for line in f if line.endswith("\n")))
    con.commit()
    con.executescript(LOAD)
    con.close()


def query(db, at):
    from fold import to_json
    con = sqlite3.connect(db)
    rows = con.execute(QUERY, {"at": at}).fetchall()
    con.close()
    products = {subject: [status, bool(throttled)] for subject, status, throttled in rows}
    sys.stdout.write(to_json({"at": at, "products": products}) + "\n")


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "load":
        load(args[1], args[2])
    elif len(args) == 3 and args[0] == "query":
        query(args[1], args[2])
    elif len(args) == 2:
        log, at = args
        db = os.path.join(os.path.dirname(os.path.abspath(log)), os.path.basename(log) + ".sqlite")
        t0 = time.perf_counter()
        load(log, db)
        t1 = time.perf_counter()
        query(db, at)
        t2 = time.perf_counter()
        print("sqlite: load %.2f s, query %.2f s (%s)" % (t1 - t0, t2 - t1, db), file=sys.stderr)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
