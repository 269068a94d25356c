#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer.
#
#   scripts/sanitize.sh [address|thread]…        (default: both)
#
# Each sanitizer builds into its own folder (.build-asan, .build-tsan) so the normal build is untouched.
# The tests that drive the built `sheetgate` binary run the instrumented binary of the same build, so the
# whole tool is checked, not only the libraries. Exit status: non-zero when any run reports a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
if ((${#kinds[@]} == 0)); then kinds=(address thread); fi
export SWIFT_BACKTRACE=enable=no
status=0
for k in "${kinds[@]}"; do
  case "$k" in
    address) dir=.build-asan; export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1" ;;
    thread)  dir=.build-tsan; export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" ;;
    *) echo "unknown sanitizer: $k (address or thread)" >&2; exit 2 ;;
  esac
  start=$(date +%s)
  echo "== swift test --sanitize=$k"
  if swift test --sanitize="$k" --scratch-path "$dir" 2>&1 | tee "$dir.log" | grep -E "Executed [0-9]+ tests|error:|ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer" | tail -20; then :; fi
  if grep -qE "ERROR: AddressSanitizer|WARNING: ThreadSanitizer|ERROR: ThreadSanitizer|with [1-9][0-9]* failures|error: " "$dir.log"; then
    echo "== $k: problems reported (see $dir.log)"; status=1
  else
    echo "== $k: clean"
  fi
  echo "== $k: $(( $(date +%s) - start )) s"
done
exit $status
