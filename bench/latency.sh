#!/usr/bin/env bash
# Latency on an idle system, Outpost against Postfix in the same run (see latency.py for what is measured):
# accept (end of DATA -> 250) and accept-to-delivered through each relay to the same sink, and
# Outpost's internal delivery (250 -> file in the Maildir).
# usage: bench/latency.sh [messages-per-run=200] [runs=3]
set -euo pipefail
COUNT=${1:-200}
RUNS=${2:-3}
LIMIT=${BENCH_RUN_LIMIT:-600}
source "$(dirname "$0")/lib/peers.sh"
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
echo "correct-horse-1" | "${outpost[@]}" mailbox add bench@bench.example >/dev/null
maildir="$work/outpost/mailboxes/bench.example/bench/Maildir/new"
here="$(dirname "$0")"
for i in $(seq 1 "$RUNS"); do
  timeout "$LIMIT" /usr/bin/python3 "$here/latency.py" --relay 127.0.0.1:$POSTFIX_PORT --sink 127.0.0.1:$SINK_PORT --count "$COUNT" --label "postfix run $i"
  timeout "$LIMIT" /usr/bin/python3 "$here/latency.py" --relay 127.0.0.1:$OUTPOST_PORT --sink 127.0.0.1:$SINK_PORT --count "$COUNT" --label "outpost run $i"
  timeout "$LIMIT" /usr/bin/python3 "$here/latency.py" --relay 127.0.0.1:$OUTPOST_PORT --maildir "$maildir" --to bench@bench.example --count "$COUNT" --label "outpost internal $i"
done
