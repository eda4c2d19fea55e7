#!/usr/bin/env bash
# Does a large deferred queue slow delivery down? Outpost's delivery rate to a working destination,
# first with an empty queue, then with N messages deferred for a destination that answers 4xx; and the
# peak RSS with them queued. Target: within 10% of the empty-queue rate.
# usage: bench/queue-growth.sh [deferred=100000] [messages-per-run=10000] [sessions=20]
set -euo pipefail
DEFERRED=${1:-100000}
MESSAGES=${2:-10000}
SESSIONS=${3:-20}
LIMIT=${BENCH_RUN_LIMIT:-900}
source "$(dirname "$0")/lib/peers.sh"

# A second destination whose MX refuses every recipient with a 4xx.
DEFER_ADDR=127.0.0.20
/usr/sbin/smtp-sink -u postfix -r rcpt $DEFER_ADDR:$SINK_PORT 1024 &
pids+=($!)
echo "mx-host=defer.test,mx.defer.test,10" >> "$work/dnsmasq.conf"
echo "address=/mx.defer.test/$DEFER_ADDR" >> "$work/dnsmasq.conf"
kill "$dns_pid"; sleep 0.3   # dnsmasq reads its configuration only at start
/usr/sbin/dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --user=root --pid-file= &
pids+=($!)
sleep 0.5

rate() {
  /usr/sbin/smtp-sink -u postfix -M "$MESSAGES" 127.0.0.1:$SINK_PORT 1024 &
  local sink=$! start end
  sleep 0.3
  start=$(date +%s.%N)
  timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -l 1024 -f sender@bench.example -t rcpt@sink.test 127.0.0.1:$OUTPOST_PORT
  timeout "$LIMIT" tail -s 0.02 --pid="$sink" -f /dev/null
  end=$(date +%s.%N)
  echo "$MESSAGES / ($end - $start)" | bc -l
}

# An unmeasured run first, so that neither measured run pays for .NET's JIT warming up.
warm=$(rate)
printf 'warm-up:            %8.1f messages/s (not counted)\n' "$warm"
empty=$(rate)
printf 'empty queue:        %8.1f messages/s\n' "$empty"
start=$(date +%s)
timeout "$LIMIT" /usr/sbin/smtp-source -s "$SESSIONS" -m "$DEFERRED" -l 1024 -f sender@bench.example -t rcpt@defer.test 127.0.0.1:$OUTPOST_PORT
echo "injected $DEFERRED messages for defer.test in $(( $(date +%s) - start )) s"
for _ in $(seq 1 600); do
  waiting=$(sqlite3 "$work/outpost/outpost.db" "SELECT COUNT(*) FROM recipients WHERE status = 'deferred'" 2>/dev/null || echo 0)
  [ "$waiting" -ge "$DEFERRED" ] && break
  sleep 1
done
echo "deferred in the queue: $waiting"
full=$(rate)
printf 'with %d deferred: %8.1f messages/s   ratio %.2f\n' "$waiting" "$full" "$(echo "$full / $empty" | bc -l)"
echo "outpost peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' /proc/$outpost_pid/status) MB"
