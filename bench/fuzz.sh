#!/usr/bin/env bash
# Long fuzzing runs: every target (or those named) for MINUTES each, one after another, through
# tests/fuzz/run.sh. What each run found and how long it ran goes into docs/FUZZING.md by hand.
#
#   bench/fuzz.sh [MINUTES_PER_TARGET] [TARGET...]     (default 10 minutes, every target)
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
shift $(( $# > 0 ? 1 : 0 ))
export OUTPOST_FUZZ_OUT=${OUTPOST_FUZZ_OUT:-bench/results/tmp/fuzz-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUTPOST_FUZZ_OUT"
exec tests/fuzz/run.sh $((minutes * 60)) "$@"
