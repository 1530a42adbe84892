#!/usr/bin/env bash
# The benchmark of issues 4 and 15, from a clean clone, in one command:
#
#   bench/run.sh                      # 100k and 1M events, 5 runs each
#   bench/run.sh --sizes 100k,1m,10m  # 10M too (about 3 GB of disk; peers skipped there)
#   bench/run.sh --smoke              # 10k events, one run each (CI)
#   bench/run.sh --bin PATH ...       # an already built binary
#
# Installs what is missing (jq, GNU time, orjson), builds the release binary
# unless --bin is given, then runs bench/run.py (see its --help), which
# generates the logs under bench/out/ (git-ignored), times everything, checks
# that the answers agree and prints the tables (also in bench/out/results.md).
set -euo pipefail
cd "$(dirname "$0")/.."

have_bin=0
for arg in "$@"; do
  case "$arg" in --bin|--bin=*) have_bin=1 ;; esac
done

# Tools the peers need. Debian packages and PyPI, by their ordinary clients.
missing=()
command -v jq >/dev/null || missing+=(jq)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
if ! python3 -c "import orjson" 2>/dev/null; then
  echo "bench: installing orjson" >&2
  python3 -m pip install -q orjson 2>/dev/null || python3 -m pip install -q --break-system-packages orjson
fi

extra=()
if [ "$have_bin" = 0 ]; then
  echo "bench: building timeline (swift build -c release)" >&2
  swift build -c release --product timeline >&2
  extra=(--bin "$(swift build -c release --show-bin-path)/timeline")
fi

exec python3 bench/run.py "${extra[@]}" "$@"
