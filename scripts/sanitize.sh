#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer.
#
#   scripts/sanitize.sh [address|thread]…        (default: both)
#
# Each sanitizer builds into its own folder (.build-asan, .build-tsan) so the normal build is untouched.
# The tests that drive the built `sheetgate` binary run the instrumented binary of the same build (it sits
# beside the test bundle), so the whole tool is checked, not only the libraries; the sanitizer options
# below are in the environment every such child inherits. Run it with the same environment as the normal
# `swift test` (SHEETGATE_PYTHON, SHEETGATE_CORPUS, SHEETGATE_CORPUS_XLS, …): the same tests run.
#
# Every sanitizer report, from the test process or from any `sheetgate` it started, is written to
# .build-asan.reports/ or .build-tsan.reports/ (one file per reporting process) and printed at the end;
# the full output is in .build-asan.log / .build-tsan.log. Exit status: non-zero when the build fails,
# when `swift test` fails, or when any process wrote a report.
#
# Suppressions (third-party code only, each with its reason) are in scripts/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
if ((${#kinds[@]} == 0)); then kinds=(address thread); fi
export SWIFT_BACKTRACE=enable=no
supp="$PWD/scripts/sanitizers"
status=0
for k in "${kinds[@]}"; do
  case "$k" in
    address)
      dir=.build-asan
      reports="$PWD/$dir.reports"
      # detect_leaks=0: the Swift runtime keeps metadata and conformance caches for the life of the process,
      # which LeakSanitizer reports as leaks; heap errors (overflow, use after free, double free) are what
      # this run is for. exitcode=86: a sanitizer exit is never mistaken for one of sheetgate's own (1–5).
      export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:exitcode=86:log_path=$reports/asan"
      ;;
    thread)
      dir=.build-tsan
      reports="$PWD/$dir.reports"
      # halt_on_error=0: every race in the run is reported, not only the first; a process that reported
      # one exits with 66 at its end. The suppressions name third-party code only.
      export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$supp/tsan.supp"
      ;;
    *) echo "unknown sanitizer: $k (address or thread)" >&2; exit 2 ;;
  esac
  rm -rf "$reports"; mkdir -p "$reports"
  : > "$dir.log"
  echo "== swift build --build-tests --sanitize=$k"
  start=$(date +%s)
  build_rc=0
  swift build --build-tests --sanitize="$k" --scratch-path "$dir" >> "$dir.log" 2>&1 || build_rc=$?
  built=$(date +%s)
  echo "== $k: build $(( built - start )) s (exit $build_rc)"
  if [ "$build_rc" -ne 0 ]; then
    grep -E ": error: " "$dir.log" | head -20 || true
    echo "== $k: the build failed (see $dir.log)"; status=1; continue
  fi
  echo "== swift test --skip-build --sanitize=$k"
  test_rc=0
  swift test --skip-build --sanitize="$k" --scratch-path "$dir" >> "$dir.log" 2>&1 || test_rc=$?
  echo "== $k: tests $(( $(date +%s) - built )) s (exit $test_rc)"
  # XCTest's summary lines, and each failed assertion (XCTest prints them as `FILE:LINE: error: -[…]`).
  grep -E "Executed [0-9]+ tests?, with" "$dir.log" | tail -1 || true
  grep -E "^/.*:[0-9]+: error: -\[" "$dir.log" | head -40 || true
  n=$(find "$reports" -type f | wc -l)
  if ((n > 0)); then
    echo "== $k: $n process(es) wrote a sanitizer report:"
    for f in "$reports"/*; do echo "-- $f"; head -60 "$f"; done
  fi
  if [ "$test_rc" -ne 0 ] || ((n > 0)); then
    echo "== $k: problems reported (see $dir.log and $reports/)"; status=1
  else
    echo "== $k: clean"
  fi
done
exit $status
