# Shared by the whole-system benchmarks: a private Postfix relaying to a sink, and Outpost with its
# trusted-network relay listener, both on loopback, with dnsmasq serving the destination's MX and
# bench.example's sending records. Source it after setting LIMIT; it leaves POSTFIX_PORT, OUTPOST_PORT,
# SINK_PORT, outpost_pid and a cleanup trap behind.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d /tmp/outpost-bench.XXXXXX)"
chmod 755 "$work"   # Postfix's unprivileged processes must reach their queue below it
SINK_PORT=2727; POSTFIX_PORT=2626; OUTPOST_PORT=2525; DNS_PORT=5398

# --- what the benchmark needs -------------------------------------------------------------------
need=()
[ -x /usr/sbin/smtp-source ] || need+=(postfix)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
command -v bc >/dev/null 2>&1 || need+=(bc)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
if (( ${#need[@]} )); then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# BENCH_OUTPOST_TREE=DIR measures the Outpost of another checkout (a worktree of an earlier commit) with
# this script, so that a before/after pair runs the same harness and reports the same figures.
tree="${BENCH_OUTPOST_TREE:-$root}"
dotnet build "$tree/src/Outpost" -c Release -m:1 --nologo -v q >/dev/null

pids=()
cleanup() {
  postfix -c "$work/postfix" stop >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pkill -f "smtp-sink.*:$SINK_PORT" 2>/dev/null || true
}
trap cleanup EXIT

# --- Postfix: a private instance relaying everything to the sink --------------------------------
mkdir -p "$work/postfix" "$work/postfix-queue" "$work/postfix-data"
chown postfix "$work/postfix-data"
cat > "$work/postfix/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/postfix-queue
data_directory = $work/postfix-data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.bench
mydestination =
local_recipient_maps =
alias_maps =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$SINK_PORT
smtpd_relay_restrictions = permit_mynetworks, reject
default_process_limit = 250
maillog_file = /dev/stdout
CONF
cat > "$work/postfix/master.cf" <<CONF
127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
grep -q "^alternate_config_directories" /etc/postfix/main.cf 2>/dev/null || echo "alternate_config_directories = /tmp" >> /etc/postfix/main.cf
postfix -c "$work/postfix" check
postfix -c "$work/postfix" start-fg > "$work/postfix.log" 2>&1 &
pids+=($!)

# --- Outpost: the trusted-network relay listener, full default job, durable -------------------
export OUTPOST__Hostname=outpost.bench
export OUTPOST__Smtp__Relay=127.0.0.1:$OUTPOST_PORT
export OUTPOST__Smtp__Submission=        # empty: listener off
export OUTPOST__Smtp__SubmissionTls=
export OUTPOST__TrustedNetworks__0__Cidr=127.0.0.0/8
export OUTPOST__TrustedNetworks__0__Domain=bench.example
export OUTPOST__Dns__Servers__0=127.0.0.1:$DNS_PORT
export OUTPOST__Delivery__MxPort=$SINK_PORT
export OUTPOST__Delivery__MaxConnectionsPerDomain=20   # Postfix's default_destination_concurrency_limit
export OUTPOST__Smtp__MaxConnections=1000
export OUTPOST__Sending__SpfInclude=_spf.outpost.test
export OUTPOST__Sending__Addresses__0=127.0.0.1
# One sender relays the whole load: rate limits off (Postfix has none either); everything else as shipped.
for limit in MailboxMessagesPerHour MailboxMessagesPerDay MailboxRecipientsPerHour MailboxRecipientsPerDay \
             DomainMessagesPerHour DomainMessagesPerDay DomainRecipientsPerHour DomainRecipientsPerDay; do
  export "OUTPOST__Policy__$limit=0"
done
outpost=(dotnet "$tree/src/Outpost/bin/Release/net10.0/outpost.dll" --data "$work/outpost")
"${outpost[@]}" domain add bench.example >/dev/null

# BENCH_OUTPOST_TREE_B=DIR also starts the Outpost of that checkout (an earlier commit) beside the first, on
# OUTPOST_B_PORT with its own data directory and its own sending domain (bench-b.example: its DKIM key is
# its own), so that a before/after pair alternates run by run under the same noise. Empty: no second one.
OUTPOST_B_PORT=2524
outpost_b=()
if [ -n "${BENCH_OUTPOST_TREE_B:-}" ]; then
  dotnet build "$BENCH_OUTPOST_TREE_B/src/Outpost" -c Release -m:1 --nologo -v q >/dev/null
  outpost_b=(env OUTPOST__Smtp__Relay=127.0.0.1:$OUTPOST_B_PORT OUTPOST__TrustedNetworks__0__Domain=bench-b.example OUTPOST__Http__Listen=127.0.0.1:8089
             dotnet "$BENCH_OUTPOST_TREE_B/src/Outpost/bin/Release/net10.0/outpost.dll" --data "$work/outpost-b")
  "${outpost_b[@]}" domain add bench-b.example >/dev/null
fi

# --- DNS: the destination's MX is the sink; bench.example publishes its sending records --------
{
  cat <<CONF
port=$DNS_PORT
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
local=/test/
local=/example/
local-ttl=300
mx-host=sink.test,mx.sink.test,10
address=/mx.sink.test/127.0.0.1
txt-record=_spf.outpost.test,"v=spf1 ip4:127.0.0.0/8 -all"
CONF
  "${outpost[@]}" domain dns bench.example --json | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["records"]:
    print("txt-record=%s,%s" % (r["name"], ",".join("\"%s\"" % s for s in r["strings"])))'
  if (( ${#outpost_b[@]} )); then
    "${outpost_b[@]}" domain dns bench-b.example --json | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["records"]:
    print("txt-record=%s,%s" % (r["name"], ",".join("\"%s\"" % s for s in r["strings"])))'
  fi
} > "$work/dnsmasq.conf"
/usr/sbin/dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --user=root --pid-file= &
pids+=($!)
dns_pid=$!
sleep 0.5
"${outpost[@]}" domain dns bench.example --check --json | grep -q '"ready": true' || { echo "bench.example's records do not verify"; exit 1; }

"${outpost[@]}" serve > "$work/outpost.log" 2>&1 &
pids+=($!)
outpost_pid=$!
ports=($POSTFIX_PORT $OUTPOST_PORT)
if (( ${#outpost_b[@]} )); then
  "${outpost_b[@]}" domain dns bench-b.example --check --json | grep -q '"ready": true' || { echo "bench-b.example's records do not verify"; exit 1; }
  "${outpost_b[@]}" serve > "$work/outpost-b.log" 2>&1 &
  pids+=($!)
  outpost_b_pid=$!
  ports+=($OUTPOST_B_PORT)
fi

for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
done

