#!/usr/bin/env bash
# The full stress runs of issue 5, against a release build:
#   stress/run.sh [KILLS]        (default 300)
# concurrency (8 processes x 500 adds into a file and a folder log), crash
# (KILLS SIGKILLs of writers with a racing reader), hostile content (100 MB
# lines). Each prints its figures; the script exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-300}
swift build -c release --product timeline
bin=.build/release/timeline
status=0
echo "== concurrency"; python3 stress/concurrency.py --bin "$bin" || status=1
echo "== crash"; python3 stress/crash.py --bin "$bin" --kills "$kills" || status=1
echo "== hostile"; python3 stress/hostile.py --bin "$bin" --mb 100 || status=1
exit $status
