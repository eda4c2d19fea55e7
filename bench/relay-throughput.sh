#!/usr/bin/env bash
# End-to-end relay throughput, Outpost against Postfix on the same load in the same run:
#   smtp-source (N sessions) -> relay (Outpost's trusted-network listener | Postfix with relayhost)
#   -> smtp-sink as the remote MX, timed until the sink has every message.
# Runs alternate between the two so that noise on the shared machine hits both alike; the report
# gives each run, the medians and the Outpost/Postfix ratio.
#
# usage: bench/relay-throughput.sh [messages=20000] [size-bytes=1024] [sessions=20] [runs=3]
# BENCH_WARMUP=N (default 1000) sends N unmeasured messages through each relay twice first; 0 turns it off.
# BENCH_OUTPOST_TREE=DIR measures the Outpost built from another checkout; BENCH_OUTPOST_TREE_B=DIR adds a
# second Outpost from that checkout (e.g. `git worktree add /tmp/wt-base <commit>`), run after the first in
# every round, so that a before/after pair is measured side by side in one run:
#   BENCH_OUTPOST_TREE_B=/tmp/wt-base bench/relay-throughput.sh 20000 1024 20 5
# Only loopback is used. Every load is bounded by the message count and a time limit per run.
set -euo pipefail
MESSAGES=${1:-20000}
SIZE=${2:-1024}
SESSIONS=${3:-20}
RUNS=${4:-3}
LIMIT=${BENCH_RUN_LIMIT:-600}   # seconds a single run may take before it is abandoned

source "$(dirname "$0")/lib/peers.sh"

# One run: a fresh sink that exits after N messages; the clock stops when it does (tail looks every
# 20 ms; its default of a second added up to 1 s to a 20-second run, for either peer).
# Outpost's CPU time per message (user + system, from /proc) is written to $work/cpu by each run: on a
# shared machine the wall-clock rate swings with the neighbours, the CPU a message costs much less.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() {
  local port=$1 ticks=0 pid="" from=sender@bench.example
  [ "$port" = "$OUTPOST_PORT" ] && pid=$outpost_pid
  [ "$port" = "$OUTPOST_B_PORT" ] && pid=$outpost_b_pid && from=sender@bench-b.example
  [ -n "$pid" ] && ticks=$(cpu_ticks "$pid")
  /usr/sbin/smtp-sink -u postfix -M "$MESSAGES" 127.0.0.1:$SINK_PORT 1024 &
  local sink=$!
  sleep 0.3
  local start end
  start=$(date +%s.%N)
  if ! timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" \
    -f "$from" -t rcpt@sink.test 127.0.0.1:$port >&2; then
    kill "$sink" 2>/dev/null || true
    echo "nan"
    return
  fi
  if ! timeout "$LIMIT" tail -s 0.02 --pid="$sink" -f /dev/null; then
    kill "$sink" 2>/dev/null || true
    echo "nan"
    return
  fi
  end=$(date +%s.%N)
  [ -n "$pid" ] && echo "($(cpu_ticks "$pid") - $ticks) * 1000000 / $(getconf CLK_TCK) / $MESSAGES" | bc -l > "$work/cpu"
  echo "$MESSAGES / ($end - $start)" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "relay throughput: $MESSAGES messages of $SIZE bytes, $SESSIONS sessions, $RUNS runs each (messages/second)"
# Two unmeasured runs through each first: a server that has run for a while has its code compiled
# and its caches filled. .NET compiles hot methods a second time, optimised, only after they have been
# counted, and counting starts once the load pauses: after a single warm-up run that recompilation
# (about a core for 4 s on this machine) fell into the first measured run. Postfix has nothing to
# warm, but gets the same runs.
WARM=${BENCH_WARMUP:-1000}
second=$(( ${#outpost_b[@]} > 0 ))
if (( WARM > 0 )); then
  saved=$MESSAGES; MESSAGES=$WARM
  for round in 1 2; do
    w=$(run $POSTFIX_PORT | tail -n 1); w2=$(run $OUTPOST_PORT | tail -n 1)
    printf 'warm-up %d (%d messages, not counted): postfix %.1f, outpost %.1f' "$round" "$WARM" "$w" "$w2"
    (( second )) && printf ', outpost B %.1f' "$(run $OUTPOST_B_PORT | tail -n 1)"
    echo
  done
  MESSAGES=$saved
fi
pf=(); op=(); cpu=(); ob=(); cpub=()
for i in $(seq 1 "$RUNS"); do
  r=$(run $POSTFIX_PORT | tail -n 1); pf+=("$r"); printf 'run %d  postfix %8.1f' "$i" "$r"
  r=$(run $OUTPOST_PORT | tail -n 1); op+=("$r"); c=$(cat "$work/cpu" 2>/dev/null || echo nan); cpu+=("$c")
  printf '   outpost %8.1f (CPU %5.0f µs/message)' "$r" "$c"
  if (( second )); then
    r=$(run $OUTPOST_B_PORT | tail -n 1); ob+=("$r"); c=$(cat "$work/cpu" 2>/dev/null || echo nan); cpub+=("$c")
    printf '   outpost B %8.1f (CPU %5.0f µs/message)' "$r" "$c"
  fi
  echo
done
mp=$(median "${pf[@]}"); mo=$(median "${op[@]}"); mc=$(median "${cpu[@]}")
printf 'median  postfix %8.1f   outpost %8.1f   outpost/postfix %.2f   outpost CPU %.0f µs/message\n' "$mp" "$mo" "$(echo "$mo / $mp" | bc -l)" "$mc"
if (( second )); then
  mb=$(median "${ob[@]}"); mcb=$(median "${cpub[@]}")
  printf 'median  outpost B %8.1f   outpost B/postfix %.2f   outpost/outpost B %.3f   outpost B CPU %.0f µs/message   CPU outpost/outpost B %.3f\n' \
    "$mb" "$(echo "$mb / $mp" | bc -l)" "$(echo "$mo / $mb" | bc -l)" "$mcb" "$(echo "$mc / $mcb" | bc -l)"
fi
rss=$(awk '/VmHWM/ {print $2}' /proc/$outpost_pid/status 2>/dev/null || echo 0)
echo "outpost peak RSS: $((rss / 1024)) MB"
