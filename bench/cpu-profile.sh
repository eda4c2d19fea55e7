#!/usr/bin/env bash
# Where Outpost's time goes under relay load: for one warm-up and one measured run of smtp-source ->
# Outpost -> smtp-sink, the rate, Outpost's CPU per message (user and kernel, from /proc), how busy the
# whole machine was, how long acceptance and delivery took, and the .NET runtime's counters of the
# measured run (dotnet-counters: allocation rate, collections per generation, GC pause, exceptions).
# usage: bench/cpu-profile.sh [messages=3000] [size-bytes=102400] [sessions=20]
set -euo pipefail
MESSAGES=${1:-3000}
SIZE=${2:-102400}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-600}
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-counters >/dev/null 2>&1 || dotnet tool install -g dotnet-counters >/dev/null
source "$(dirname "$0")/lib/peers.sh"
sleep 3

ticks() { awk -v f="$1" '{print $f}' "/proc/$outpost_pid/stat"; }   # 14 user, 15 kernel (1/100 s)
machine() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat; }  # busy, idle

for round in warm-up measured; do
  /usr/sbin/smtp-sink -u postfix -M "$MESSAGES" 127.0.0.1:$SINK_PORT 1024 &
  sink=$!
  sleep 0.3
  if [ "$round" = measured ]; then
    dotnet-counters collect -p "$outpost_pid" --counters System.Runtime --format csv -o "$work/counters.csv" --refresh-interval 1 >/dev/null 2>&1 &
    counters=$!
  fi
  u0=$(ticks 14); k0=$(ticks 15); read -r b0 i0 < <(machine); start=$(date +%s.%N)
  timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
  accepted=$(date +%s.%N)
  timeout "$LIMIT" tail -s 0.02 --pid="$sink" -f /dev/null
  end=$(date +%s.%N); u1=$(ticks 14); k1=$(ticks 15); read -r b1 i1 < <(machine)
  [ "$round" = measured ] && { kill -INT "$counters" 2>/dev/null || true; sleep 1; }
  printf '%-9s %7.1f msg/s  accepted in %5.1f s, delivered in %5.1f s  outpost CPU %.2f ms/msg (user %.2f, kernel %.2f)  machine busy %.0f%%\n' \
    "$round" "$(echo "$MESSAGES / ($end - $start)" | bc -l)" "$(echo "$accepted - $start" | bc -l)" "$(echo "$end - $start" | bc -l)" \
    "$(echo "($u1 - $u0 + $k1 - $k0) * 10 / $MESSAGES" | bc -l)" "$(echo "($u1 - $u0) * 10 / $MESSAGES" | bc -l)" \
    "$(echo "($k1 - $k0) * 10 / $MESSAGES" | bc -l)" "$(echo "100 * ($b1 - $b0) / ($b1 - $b0 + $i1 - $i0)" | bc -l)"
done

echo "runtime counters of the measured run (mean per second):"
awk -F, 'NR > 1 && $3 ~ /gc.heap.total_allocated|gc.collections|gc.pause|exceptions|lock_contentions|thread_pool.thread.count|thread_pool.queue.length/ { sum[$3] += $5; n[$3]++ }
  END { for (k in sum) printf "  %-90s %14.3f\n", k, sum[k] / n[k] }' "$work/counters.csv" | sort
