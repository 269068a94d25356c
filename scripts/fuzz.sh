#!/usr/bin/env bash
# Fuzzes sheetgate's parsers with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]      (default: 600 s, every target)
#
# Builds SheetFuzz with `-sanitize=fuzzer,address` into .build-fuzz/, seeds each target (from
# $SHEETGATE_CORPUS when set, the samples, the built-in schemas and generated mail), runs each target for
# the given time and prints, per target, the executions, the corpus it grew and what it found. Findings
# (crash-*, timeout-*, oom-*) land in .build-fuzz/findings/TARGET/; each becomes a fixture in
# Tests/FuzzTests/Fixtures/TARGET/ with its fix. Replay one: .build/debug/SheetFuzz TARGET FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"; shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(zip xml workbook csv schema-yaml schema-json rules mime xls); fi

swift build --product sheetgate >/dev/null   # the seeds use `sheetgate schema show`
# SwiftPM links with gold by default, which fails on the instrumented objects; lld links them.
swift build -c release --product SheetFuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >/dev/null
bin=.build-fuzz/release/SheetFuzz
work=.build-fuzz/work
mkdir -p "$work"

seed() {  # seed TARGET: fills $work/seeds/TARGET once
  local t="$1" d="$work/seeds/$1"
  [ -d "$d" ] && return 0
  mkdir -p "$d"
  local corpus="${SHEETGATE_CORPUS:-}"
  case "$t" in
    zip|workbook)
      find samples -name '*.xlsx' -size -200k -exec cp {} "$d/" \;
      [ -n "$corpus" ] && find "$corpus" -name '*.xlsx' -size -200k -exec cp {} "$d/" \; || true
      if [ "$t" = workbook ]; then
        find samples \( -name '*.csv' -o -name '*.xls' \) -exec cp {} "$d/" \;
        [ -n "${SHEETGATE_CORPUS_XLS:-}" ] && find "$SHEETGATE_CORPUS_XLS" -name '*.xls' -size -200k -exec cp {} "$d/" \; || true
      fi ;;
    xml)
      for f in samples/*.xlsx; do
        python3 - "$f" "$d" <<'PY'
import sys, zipfile, os
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith('.xml') and z.getinfo(n).file_size < 200_000:
        open(os.path.join(sys.argv[2], os.path.basename(sys.argv[1]) + '_' + n.replace('/', '_')), 'wb').write(z.read(n))
PY
      done ;;
    csv)
      find samples -name '*.csv' -exec cp {} "$d/" \;
      [ -n "$corpus" ] && find "$corpus" -name '*.csv' -size -200k -exec cp {} "$d/" \; || true ;;
    schema-yaml)
      for n in $(.build/debug/sheetgate schema list | awk '{print $1}'); do
        .build/debug/sheetgate schema show "$n" > "$d/$n.yaml"
      done
      find Tests samples -name '*.yaml' -size -100k -exec cp {} "$d/" \; ;;
    schema-json)
      cp bench/ledger.schema.json "$d/"
      find Tests samples -name '*.schema.json' -size -100k -exec cp {} "$d/" \; 2>/dev/null || true ;;
    rules)
      grep -ho 'expression: .*' Sources/Schema/Builtin/*.swift | sed 's/^expression: //' | sed 's/fine_min\|fine_max\|valid_until\|repealed_on\|issued_on/n/g; s/tier\|doc_number/s/g' \
        | awk -v d="$d" '{ f = d "/" NR; printf "%s", $0 > f; close(f) }'
      printf '%s' 'n + i == 3 and not b' > "$d/a"; printf '%s' 'coalesce(n, 0) > 0 or s == "乌审旗"' > "$d/b" ;;
    xls)
      find samples -name '*.xls' -exec cp {} "$d/" \;
      corpus_xls="${SHEETGATE_CORPUS_XLS:-}"
      [ -n "$corpus_xls" ] && find "$corpus_xls" -name '*.xls' -size -200k -exec cp {} "$d/" \; || true ;;
    mime)
      python3 Tests/MailTests/Fixtures/make_messages.py "$work/mail" >/dev/null
      cp "$work"/mail/*.eml "$d/" ;;
  esac
  # A target with no seed starts from nothing; libFuzzer copes.
}

printf '%-12s %10s %12s %8s %s\n' target seconds executions corpus findings
for t in "${targets[@]}"; do
  seed "$t"
  live="$work/corpus/$t"; found="$work/../findings/$t"
  mkdir -p "$live" "$found"
  log="$work/$t.log"
  SWIFT_BACKTRACE=enable=no SHEETFUZZ_TARGET="$t" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=262144 \
    -print_final_stats=1 -artifact_prefix="$found/" "$live" "$work/seeds/$t" >"$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  printf '%-12s %10s %12s %8s %s\n' "$t" "$secs" "${execs:-?}" "$(ls "$live" | wc -l)" "$(ls "$found" | wc -l)"
done
