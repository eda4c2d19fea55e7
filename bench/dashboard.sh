#!/usr/bin/env bash
# The dashboard on a year of history: fills a fresh data directory with N send-log events (default 1,000,000)
# spread over 365 days across 50 sending domains, starts outpost serve on it, signs in as an operator and as
# one domain's admin, and times the dashboard page (24 h and 7 days) for each: the median of 5 requests after
# one unmeasured warm-up. Target: under 300 ms. The filler writes SQL directly (python3's sqlite3), after
# the program made the schema; it is a benchmark, not a way to load real data.
# usage: bench/dashboard.sh [events=1000000]        (build first: dotnet build src/Outpost -c Release)
set -euo pipefail
EVENTS=${1:-1000000}
repo="$(cd "$(dirname "$0")/.." && pwd)"
dll="$repo/src/Outpost/bin/Release/net10.0/outpost.dll"
[ -f "$dll" ] || { echo "Build first: dotnet build src/Outpost -c Release"; exit 1; }
work="$(mktemp -d)"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export OUTPOST__Hostname=outpost.bench OUTPOST__Sending__SpfInclude=_spf.outpost.bench
export OUTPOST__Http__Listen=127.0.0.1:$port OUTPOST__Smtp__Submission=127.0.0.1:$(free) OUTPOST__Smtp__SubmissionTls=127.0.0.1:$(free) OUTPOST__Smtp__Relay=127.0.0.1:$(free)
# Nothing leaves loopback: DNS goes to a port where nothing answers.
export OUTPOST__Dns__Servers__0=127.0.0.1:$(free) OUTPOST__Dns__Timeout=00:00:00.200
# Keep the whole year: the purger would otherwise cut the events to 30 days at start.
export OUTPOST__Retention__Events=0 OUTPOST__Retention__SendLog=0
outpost() { dotnet "$dll" --data "$work/data" "$@"; }
password=bench-password-1
outpost domain add bench00.test >/dev/null
echo "$password" | outpost mailbox add op@bench00.test --operator >/dev/null
echo "$password" | outpost mailbox add admin@bench00.test --admin >/dev/null

start=$(date +%s.%N)
python3 - "$work/data/outpost.db" "$EVENTS" <<'PY'
import random, sqlite3, sys, time
db, total = sys.argv[1], int(sys.argv[2])
random.seed(16)
now = int(time.time() * 1000)
year = 365 * 24 * 3600 * 1000
c = sqlite3.connect(db)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=OFF")
domains = [f"bench{i:02}.test" for i in range(50)]
channels = ["direct-a", "direct-b", "relay-eu"]
destinations = ["gmail.com", "outlook.com", "yahoo.com", "web.de", "qq.com", "example.org"]
replies = [(451, "4.7.1", "451 4.7.1 Try again later"), (421, "4.7.0", "421 4.7.0 Too many connections"),
           (550, "5.1.1", "550 5.1.1 User unknown"), (554, "5.7.1", "554 5.7.1 Blocked by policy")]
messages, recipients, events = [], [], []
m = 0
while len(events) < total:
    m += 1
    at = now - random.randrange(year)
    domain = domains[m % len(domains)]
    sender = f"user{m % 200}@{domain}"
    mid = f"BENCH{m:011d}"
    messages.append((mid, sender, "bench", 1024, sender, "127.0.0.1", "bench", "smtp", at, f"/nonexistent/{mid}", domain, 1))
    rid = m
    address = f"rcpt{m % 1000}@{destinations[m % len(destinations)]}"
    channel = channels[m % len(channels)]
    events.append(("queued", mid, rid, address, sender, domain, None, "queued", None, None, None, None, 0, None, at))
    outcome = random.random()
    # The recipient's state now: final for history, a few still waiting (the queue the depth chart starts from).
    status = "deferred" if at > now - 3 * 24 * 3600 * 1000 and outcome >= 0.8 and outcome < 0.95 else ("delivered" if outcome < 0.8 else "bounced")
    recipients.append((rid, mid, address, address.split("@")[1], "remote", status, 1, at + 3600000, at))
    if outcome < 0.8:
        events.append(("delivered", mid, rid, address, sender, domain, "delivering", "delivered", None, 250, "2.0.0", "250 2.0.0 OK", 1, channel, at + random.randrange(100, 60000)))
    elif outcome < 0.95:
        code, enhanced, reply = replies[random.randrange(2)]
        events.append(("deferred", mid, rid, address, sender, domain, "delivering", "deferred", None, code, enhanced, reply, 1, channel, at + 2000))
    else:
        code, enhanced, reply = replies[2 + random.randrange(2)]
        events.append(("bounced", mid, rid, address, sender, domain, "delivering", "bounced", None, code, enhanced, reply, 1, channel, at + 2000))
c.executemany("INSERT INTO messages (id, sender, subject, size, auth_user, client_ip, helo, source, received_at, spool_path, sender_domain, remote_recipients) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", messages)
c.executemany("INSERT INTO recipients (id, message_id, address, domain, route, status, attempts, next_attempt_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", recipients)
events.sort(key=lambda e: e[-1])  # ids rise with time, as in a real outbox
c.executemany("INSERT INTO events (type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", events[:total])
c.commit()
c.execute("ANALYZE")
c.commit()
print(f"{len(messages)} messages, {len(recipients)} recipients, {min(total, len(events))} events")
PY
end=$(date +%s.%N)
printf 'filled in %.0f s\n' "$(echo "$end - $start" | bc -l)"

# The program itself in the background (not the shell function), so that the trap's kill reaches it.
dotnet "$dll" --data "$work/data" serve >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "outpost serve did not start:"; cat "$work/serve.log"; exit 1; }

login() {  # $1 address, $2 cookie jar
  local token
  token=$(curl -fs -c "$2" -b "$2" "http://127.0.0.1:$port/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -fs -o /dev/null -c "$2" -b "$2" --data-urlencode "Address=$1" --data-urlencode "Password=$password" \
    --data-urlencode "__RequestVerificationToken=$token" "http://127.0.0.1:$port/login"
}
median() {  # $1 cookie jar, $2 query; median of 5 timed requests in ms after a warm-up
  local url="http://127.0.0.1:$port/dashboard$2" times=()
  curl -fs -o /dev/null -b "$1" "$url"
  for _ in 1 2 3 4 5; do times+=("$(curl -fs -o /dev/null -b "$1" -w '%{time_total}' "$url")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{ printf "%.0f", $1 * 1000 }'
}
for who in op@bench00.test admin@bench00.test; do
  jar="$work/$who.jar"
  login "$who" "$jar"
  # Signed in means the dashboard answers 200, not the login page.
  [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "http://127.0.0.1:$port/dashboard")" = 200 ] || { echo "could not sign in as $who"; exit 1; }
  printf '%-20s 24 h: %5s ms   7 days: %5s ms\n' "$who" "$(median "$jar" "")" "$(median "$jar" "?range=7d")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
