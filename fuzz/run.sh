#!/usr/bin/env bash
# Builds and runs one libFuzzer target for a given time.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# TARGET is json-line, dates or arguments. The target is compiled with
# `swiftc -sanitize=fuzzer,address` together with the sources it exercises
# (one module, imports stripped) into .build/fuzz/TARGET; its corpus lives in
# .build/fuzz/corpus/TARGET, seeded from ../shared/testdata/JSONTestSuite, the
# shipped log events/ (or a generated log when events/ is empty), DESIGN.md's
# test vectors and example command lines. Crashes land in fuzz/crashes/TARGET/
# (move the input to fuzz/regressions/TARGET/ and turn it into a Swift test). The last line printed
# is a summary: target, seconds, executions, crashes.
set -euo pipefail
# A crash is reported by libFuzzer; the Swift backtracer would only hang under ASan.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."
root=$PWD
target=${1:?usage: fuzz/run.sh json-line|dates|arguments SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2 || true
out=$root/.build/fuzz
mkdir -p "$out/src/$target" "$out/corpus/$target" "$root/fuzz/crashes/$target"

case $target in
  json-line) file=JSONLineTarget.swift; modules=(EventLog) ;;
  dates) file=DateTarget.swift; modules=(EventLog) ;;
  arguments) file=ArgumentsTarget.swift; modules=(EventLog Projections timeline) ;;
  *) echo "fuzz/run.sh: unknown target '$target' (json-line, dates, arguments)" >&2; exit 64 ;;
esac

# One module: copy the sources, drop main.swift and the imports of our own modules,
# and name what they qualify (Projections.f) in the one module instead.
src=$out/src/$target
rm -f "$src"/*.swift
for module in "${modules[@]}"; do
  for f in $(find Sources/$module -name "*.swift" | sort); do
    [ "$(basename "$f")" = main.swift ] && continue
    sed -E -e '/^(@testable )?import (EventLog|Projections)$/d' -e 's/\b(EventLog|Projections)\.([A-Za-z])/Fuzz.\2/g' \
      "$f" > "$src/${module}_$(basename "$f")"
  done
done
cp "fuzz/$file" "$src/"
binary=$out/$target
stamp=$(cat "$src"/*.swift | sha256sum | cut -c1-16)
if [ ! -x "$binary" ] || [ "$(cat "$binary.sources" 2>/dev/null)" != "$stamp" ]; then
  echo "building $binary" >&2
  rm -f "$binary"
  swiftc -O -g -suppress-warnings -sanitize=fuzzer,address -parse-as-library -module-name Fuzz "$src"/*.swift -o "$binary" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; } >&2
  [ -x "$binary" ] || { echo "fuzz/run.sh: the build of $target failed" >&2; exit 1; }
  echo "$stamp" > "$binary.sources"
fi

# Seeds.
corpus=$out/corpus/$target
# Inputs that once broke a target stay in its corpus (and in the Swift tests).
cp fuzz/regressions/"$target"/* "$corpus/" 2>/dev/null || true
seed() { printf '%s' "$2" > "$corpus/seed-$1"; }
case $target in
  json-line)
    cp ../shared/testdata/JSONTestSuite/test_parsing/*.json "$corpus/" 2>/dev/null || true
    log_lines=()
    if compgen -G "events/*.jsonl" > /dev/null; then
      cat events/*.jsonl
    else
      python3 bench/generate.py --events 300 --out "$out/seed-log.jsonl" --seed 5 > /dev/null && cat "$out/seed-log.jsonl"
    fi | head -n 400 | split -l 1 -a 4 - "$corpus/log-"
    ;;
  dates)
    n=0
    for text in 2025 2025-12 2025-12-11 0001 9999-12-31 2024-02-29 2025-02-29 \
      2025-12-10T08:15:02.114Z 2025-12-10T09:15:02+01:00 2025-12-10t08:15:02z 0001-01-01T00:00:00Z \
      9999-12-31T23:59:59.999Z 2025-12-31T23:59:60Z 2025-12-10T08:15:02.1140000Z \
      2025-Q4 2025q1 today yesterday 'this week' last-month 'last quarter' 'this year' 2025-11..2025-12 ..2025-Q4 2024-02..; do
      n=$((n + 1)); seed "$n" "$text"
    done
    ;;
  arguments)
    # NUL separates arguments, so these are written by printf itself (a $(...) would drop them).
    # First byte: the command's index in the table (init 0, add 1, retract 2, log 3, state 4, diff 5, lineage 6, strategy 7, check 8).
    printf '\x01launch\x00--date\x002025-12-11\x00--subject\x00openai/gpt-5.2\x00--set\x00type=model\x00--set=predecessor=openai/gpt-5.1\x00--confidence\x00confirmed\x00--source-title\x00Introducing GPT-5.2' > "$corpus/seed-add"
    printf '\x01--stdin\x00--dry-run' > "$corpus/seed-add-stdin"
    printf '\x02d16757df582e\x00--reason\x00wrong\x00--date=2025-12' > "$corpus/seed-retract"
    printf '\x03--from\x002025-12\x00--to=2025-12-31\x00--org\x00openai\x00--kind\x00launch\x00--json' > "$corpus/seed-log"
    printf '\x04--at\x002025-12-10\x00--known-at\x002025-12-10T08:15:02Z\x00--json\x00--\x00-x' > "$corpus/seed-state"
    printf '\x052025-11-30\x002025-12-31\x00--org=openai' > "$corpus/seed-diff"
    printf '\x06openai/gpt-5.2\x00--at\x002025' > "$corpus/seed-lineage"
    printf '\x08--repair\x00--json\x00-' > "$corpus/seed-check"
    ;;
esac

artifacts=$root/fuzz/crashes/$target/
dict=(-dict="$root/fuzz/dict/$target.dict")
log=$out/$target.log
set +e
"$binary" "$corpus" -max_total_time="$seconds" -artifact_prefix="$artifacts" -print_final_stats=1 \
  -timeout=20 -rss_limit_mb=4096 -max_len=4096 "${dict[@]}" "$@" 2>&1 | tee "$log" | grep -E '^(#[0-9]+.*(DONE|pulse))|ERROR|SUMMARY|stat::' >&2
status=${PIPESTATUS[0]}
set -e
runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
echo "fuzz $target: ${seconds}s, ${runs:-0} executions, $crashes crash inputs in fuzz/crashes/$target (exit $status)"
exit "$status"
