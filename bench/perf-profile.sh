#!/usr/bin/env bash
# Where Outpost's CPU goes under relay load, native code and kernel included: `perf` samples the
# server (with the runtime's perf map so JIT-compiled methods have names) during a measured run of
# smtp-source -> Outpost -> smtp-sink, and prints the busiest functions by self time and the share of
# each library (Outpost's own code, the runtime, SQLite, OpenSSL, the kernel).
# dotnet-trace's thread-time profile (bench/profile.sh) cannot split native time from waiting; this can.
# usage: bench/perf-profile.sh [size-bytes=1024] [messages=6000] [sessions=20]
# BENCH_WARMUP=N (default 3000) messages go through first, unmeasured. Reports and perf.data stay in
# /tmp/outpost-perf (inclusive view: perf report -i /tmp/outpost-perf/perf.data --children).
set -euo pipefail
SIZE=${1:-1024}
MESSAGES=${2:-6000}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-600}
WARMUP=${BENCH_WARMUP:-3000}
command -v perf >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
export DOTNET_PerfMapEnabled=1
export DOTNET_EnableWriteXorExecute=0   # JIT code in plain anonymous memory, where the perf map names it
source "$(dirname "$0")/lib/peers.sh"
/usr/sbin/smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1024 &
pids+=($!)
sleep 0.5
# Warm up (tiered compilation settles), then sample a second run.
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$WARMUP" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
sleep 2
perf record -F 999 -g -p "$outpost_pid" -o "$work/perf.data" >/dev/null 2>&1 &
recorder=$!
sleep 1
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT || true
sleep 2
kill -INT "$recorder"; wait "$recorder" || true
perf report -i "$work/perf.data" --no-children --sort dso --stdio > "$work/by-library.txt" 2>/dev/null || true
perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none > "$work/self.txt" 2>/dev/null || true
perf report -i "$work/perf.data" --children --sort sym --stdio -g none > "$work/inclusive.txt" 2>/dev/null || true
echo "== share by library (self time)"
grep -E '^ +[0-9.]+%' "$work/by-library.txt" | sed -n 1,12p || true
echo "== busiest functions (self time)"
grep -E '^ +[0-9.]+%' "$work/self.txt" | sed -n 1,50p || true
echo "== system calls (inclusive)"
grep -E '^ +[0-9.]+%.*(__x64_sys_|__do_sys_)' "$work/inclusive.txt" | sed -n 1,25p || true
mkdir -p /tmp/outpost-perf && cp "$work"/perf.data "$work"/*.txt /tmp/outpost-perf/
echo "reports and perf.data kept in /tmp/outpost-perf"
