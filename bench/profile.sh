#!/usr/bin/env bash
# A CPU profile of Outpost under relay load (dotnet-trace, speedscope format), and the 25 methods that
# take the most time on the stack's top (self time) and as a whole (inclusive).
# usage: bench/profile.sh [size-bytes=102400] [messages=3000] [sessions=20]
set -euo pipefail
SIZE=${1:-102400}
MESSAGES=${2:-3000}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-600}
command -v dotnet-trace >/dev/null 2>&1 || [ -x "$HOME/.dotnet/tools/dotnet-trace" ] || dotnet tool install -g dotnet-trace >/dev/null
export PATH="$PATH:$HOME/.dotnet/tools"
source "$(dirname "$0")/lib/peers.sh"
/usr/sbin/smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1024 &
pids+=($!)
sleep 0.5
# Warm up, then profile a second run.
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m 500 -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
dotnet-trace collect -p "$outpost_pid" --profile dotnet-sampled-thread-time --format speedscope -o "$work/trace.nettrace" --duration 00:00:00:20 >/dev/null &
tracer=$!
sleep 2
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT || true
wait "$tracer" || true
/usr/bin/python3 "$(dirname "$0")/speedscope-top.py" "$work"/trace*.speedscope.json
