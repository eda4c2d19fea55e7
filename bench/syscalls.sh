#!/usr/bin/env bash
# What Outpost asks of the kernel per message under relay load: `perf stat` counts Outpost's context
# switches, CPU time and system calls (connect, accept, fsync, openat, futex, epoll_wait, send, receive,
# pwrite, sched_yield) during one measured run of smtp-source -> Outpost -> smtp-sink, after two warm-up
# runs, and prints each per message. Cheap enough to compare two commits on this noisy machine, where
# throughput alone moves by a quarter from run to run.
# usage: bench/syscalls.sh [messages=5000] [size-bytes=1024] [sessions=20]
set -euo pipefail
MESSAGES=${1:-5000}
SIZE=${2:-1024}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-600}
command -v perf >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
source "$(dirname "$0")/lib/peers.sh"
/usr/sbin/smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1024 &
pids+=($!)
sleep 0.5
for _ in 1 2; do
  timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m 2000 -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
  sleep 1
done
events=context-switches,task-clock
for call in connect accept4 fsync openat unlink futex epoll_wait sendto recvfrom pwrite64 sched_yield; do
  events+=",syscalls:sys_enter_$call"
done
perf stat -x, -e "$events" -p "$outpost_pid" -o "$work/stat.csv" &
stat=$!
sleep 0.5
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
sleep 1
kill -INT "$stat"; wait "$stat" || true
echo "per message ($MESSAGES × $SIZE bytes, $SESSIONS sessions):"
awk -F, -v n="$MESSAGES" '$1 ~ /^[0-9.]+$/ { name = $3; sub(/syscalls:sys_enter_/, "", name);
  printf "  %-18s %10.2f%s\n", name, $1 / n, (name == "task-clock" ? " ms" : "") }' "$work/stat.csv"
