#!/usr/bin/env bash
# The full stress runs of issues 5 and 10, against a release build:
#   stress/run.sh [KILLS]              (default 300)
#   stress/run.sh cachefuzz [ROUNDS]   (default 200; only the cache fuzz)
# concurrency (8 processes x 500 adds into a file and a folder log), crash
# (KILLS SIGKILLs of writers with a racing reader), hostile content (100 MB
# lines), cache fuzz (200 rounds of edits, appends, replacements and damaged
# caches of a 12,000-event log, every answer compared with a cold replay).
# Each prints its figures; the script exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product timeline
bin=.build/release/timeline
status=0
if [ "${1:-}" = cachefuzz ]; then
  echo "== cachefuzz"; python3 stress/cachefuzz.py --bin "$bin" --rounds "${2:-200}" || status=1
  exit $status
fi
kills=${1:-300}
echo "== concurrency"; python3 stress/concurrency.py --bin "$bin" || status=1
echo "== crash"; python3 stress/crash.py --bin "$bin" --kills "$kills" || status=1
echo "== hostile"; python3 stress/hostile.py --bin "$bin" --mb 100 || status=1
echo "== cachefuzz"; python3 stress/cachefuzz.py --bin "$bin" --rounds 200 || status=1
exit $status
