#!/usr/bin/env bash
# Outpost's peak memory while 20 clients each submit a message of about 25 MB at once (the limit is
# 25 MiB, so every one is accepted), relayed on to the sink. Target: peak RSS under 300 MB.
# usage: bench/memory.sh [clients=20] [size-bytes=26000000]
#        bench/memory.sh 200     (issue 18: 200 at once; the host itself may hold up to
#                                 Smtp:MaxConnectionsPerTrustedAddress = 200 connections, so 200 is the most from one address)
set -euo pipefail
CLIENTS=${1:-20}
SIZE=${2:-26000000}
LIMIT=${BENCH_RUN_LIMIT:-600}
source "$(dirname "$0")/lib/peers.sh"
/usr/sbin/smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1024 &
pids+=($!)
sleep 0.5
timeout "$LIMIT" /usr/bin/python3 "$(dirname "$0")/large-messages.py" --relay 127.0.0.1:$OUTPOST_PORT --pid "$outpost_pid" --clients "$CLIENTS" --size "$SIZE"
sleep 5
echo "after delivery: peak RSS $(awk '/VmHWM/ {print int($2/1024)}' /proc/$outpost_pid/status) MB, now $(awk '/VmRSS/ {print int($2/1024)}' /proc/$outpost_pid/status) MB"
