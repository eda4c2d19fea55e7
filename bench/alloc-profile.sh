#!/usr/bin/env bash
# Where Outpost allocates under relay load: one warm-up run, then a measured run traced with the runtime's
# allocation samples (dotnet-trace, GC keyword at verbose level), summed by type and by allocating frames
# (bench/alloc-top.cs, TraceEvent).
# usage: bench/alloc-profile.sh [size-bytes=1024] [messages=3000] [sessions=20]  (the measured run must end within BENCH_TRACE_SECONDS=15)
set -euo pipefail
SIZE=${1:-1024}
MESSAGES=${2:-3000}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-600}
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null 2>&1 || dotnet tool install -g dotnet-trace >/dev/null
source "$(dirname "$0")/lib/peers.sh"
/usr/sbin/smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1024 &
pids+=($!)
sleep 0.5
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m 1000 -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
# A fixed duration: a background job cannot be stopped with Ctrl-C, and the run below fits in it.
dotnet-trace collect -p "$outpost_pid" --providers 'Microsoft-Windows-DotNETRuntime:0x1:5' -o "$work/alloc.nettrace" --duration "00:00:00:${BENCH_TRACE_SECONDS:-15}" >/dev/null &
tracer=$!
sleep 2
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT || true
wait "$tracer" || true
echo "$MESSAGES messages of $SIZE bytes, $SESSIONS sessions"
cp "$work/alloc.nettrace" /tmp/outpost-alloc.nettrace   # kept for a second look; the work directory goes
dotnet run -c Release "$(dirname "$0")/alloc-top.cs" /tmp/outpost-alloc.nettrace
