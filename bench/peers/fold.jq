# The as-of fold as a jq user would write it: product statuses only.
#
#   jq -n --arg at AT -f bench/peers/fold.jq LOG
#
# Prints the compact result every peer prints (bench/peers/fold.py), as one
# JSON document (jq pretty-prints it unless given -c):
#   {"at": AT, "products": {PRODUCT_ID: [STATUS, THROTTLED], ...}}
#
# Reduced on purpose: it computes the products section only (no roles, focus,
# metrics, codenames, basis) and has no --known-at or --org. It does follow
# DESIGN.md's replay rules 2, 4, 5 and 6 for those products: duplicate ids
# collapse to the earliest `recorded`; retractions (not of a retraction) and
# `supersedes` (not of a retraction, by an event not retracted) drop events
# regardless of AT; an event is kept when the last day of its date's period is
# on or before the end of AT's period; the kept events fold in the order
# (first day of the period, recorded, id). A product is created by any product
# kind: by pause paused, by retire retired, otherwise active; throttle and
# unthrottle set `throttled`.
#
# Written for jq 1.6, where a `reduce` body that updates a nested path
# (`.a[$k] = v`), binds a variable from `.` before updating it
# (`.[$k] as $cur | .[$k] = ...`) or uses `|=` copies the whole object on
# every step: quadratic (the obvious fold over products took 436 s at 1M
# events). So the log is read once into a flat array, each map is built by its
# own `reduce` that only assigns top-level keys, and the fold itself is a
# group_by: all linear or n log n.

def last_day:
  if length == 10 then .
  elif length == 4 then . + "-12-31"
  else (.[0:4] | tonumber) as $y | (.[5:7] | tonumber) as $m
    | . + (if $m == 2 then
             (if ($y % 4 == 0 and ($y % 100 != 0 or $y % 400 == 0)) then "-29" else "-28" end)
           elif ($m == 4 or $m == 6 or $m == 9 or $m == 11) then "-30"
           else "-31" end)
  end;

def first_day:
  if length == 10 then . elif length == 4 then . + "-01-01" else . + "-01" end;

($at | last_day) as $limit
# One pass over the log, keeping what the answer needs, one small array each:
#   ["r", id, target]                                   a retraction
#   ["p", id, date, recorded, kind, subject, supersedes] a product event
#   ["s", id, supersedes]                               any other correction
| [ inputs
    | if .kind == "retract" then ["r", .id, .attrs.target]
      elif (.kind == "launch" or .kind == "pause" or .kind == "resume"
            or .kind == "retire" or .kind == "throttle" or .kind == "unthrottle") then
        ["p", .id, .date, (.recorded // "\uffff"), .kind, .subject, .supersedes]
      elif .supersedes then ["s", .id, .supersedes]
      else empty end ] as $log
| (reduce ($log[] | select(.[0] == "r")) as $r ({}; .[$r[1]] = true)) as $rid
# Rule 4: a retraction of a retraction does nothing ...
| (reduce ($log[] | select(.[0] == "r" and $rid[.[2]] == null)) as $r ({}; .[$r[2]] = true))
    as $retracted
# ... and the corrections that count are those not retracted, of anything but
# a retraction.
| (reduce ($log[] | select(.[0] != "r") | [.[1], (if .[0] == "p" then .[6] else .[2] end)]
           | select(.[1] != null and $retracted[.[0]] == null and $rid[.[1]] == null)) as $s
     ({}; .[$s[1]] = true)) as $superseded
# Rule 2: one event per id, the earliest recorded.
| (reduce ($log[] | select(.[0] == "p")) as $e ({};
     if .[$e[1]] == null or $e[3] < .[$e[1]][3] then .[$e[1]] = $e else . end)) as $products
# Rules 4 to 6: drop, keep what happened by AT, order, fold.
| [ $products[]
    | select($retracted[.[1]] == null and $superseded[.[1]] == null)
    | select((.[2] | last_day) <= $limit)
    | [(.[2] | first_day), .[3], .[1], .[4], .[5]] ]
| sort
# Rule 6 and the fold: in (first day, recorded, id) order, a product's status
# is that of its last launch/pause/resume/retire (active if none), and it is
# throttled if its last throttle/unthrottle is a throttle. group_by keeps
# that order within a product (jq's sort is stable).
| group_by(.[4])
| map([.[0][4],
       [((map(select(.[3] != "throttle" and .[3] != "unthrottle")) | last | .[3]) as $k
          | if $k == "pause" then "paused" elif $k == "retire" then "retired" else "active" end),
        ((map(select(.[3] == "throttle" or .[3] == "unthrottle")) | last | .[3]) == "throttle")]])
| reduce .[] as $p ({}; .[$p[0]] = $p[1])
| {at: $at, products: .}
