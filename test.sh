#!/usr/bin/env bash
# Outpost's test command: installs the real peers the tests talk to (swaks as the client, dnsmasq as
# DNS, an aiosmtpd MX, dkimpy as an independent DKIM verifier, openssl for the MX's certificate,
# Debian's chromium for the admin pages' browser tests, Debian's postgresql for the PostgreSQL back end's
# tests, which start a private cluster of their own, Node.js with the standardwebhooks package for the
# webhook receiver, HAProxy as the load balancer in front of SMTP, Dovecot's LMTP as the mailbox server,
# ldns-utils, NSD and unbound for the DANE scenarios' signed zone) when they are missing, builds, runs
# every test project, and ends with one line: "N passed, N failed". Each fuzz target (tests/fuzz/run.sh,
# under AFL++ for OUTPOST_FUZZ_SECONDS, default 25 s) counts as one result.
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v swaks >/dev/null 2>&1 || need+=(swaks)
/usr/bin/perl -MNet::SSLeay -e1 2>/dev/null || need+=(libnet-ssleay-perl)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need+=(python3-aiosmtpd)
/usr/bin/python3 -c "import dkim, dns.resolver, nacl" 2>/dev/null || need+=(python3-dkim)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v afl-fuzz >/dev/null 2>&1 || need+=(afl++)
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-core)
[ -x /usr/lib/dovecot/lmtp ] || need+=(dovecot-lmtpd)
# DANE: ldns-utils signs the test zone, NSD serves it, unbound validates it (none runs as a service).
[ -x /usr/bin/ldns-signzone ] || need+=(ldnsutils)
[ -x /usr/sbin/nsd ] || need+=(nsd)
[ -x /usr/sbin/unbound ] || need+=(unbound)
if (( ${#need[@]} )); then
  echo "Installing test peers: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The peers run as the tests' own processes: their packages must not start system services (unbound and
  # NSD would both want port 53, and a failed start fails the install). A machine without a policy gets a
  # temporary one that refuses every start.
  policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  installed=$?
  [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
  (( installed == 0 )) || { echo "Could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

# initdb and pg_ctl refuse to run as root: the tests' private PostgreSQL cluster then runs as this user.
if [[ $(id -u) == 0 ]] && ! id -u outpost-test >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin outpost-test \
    || echo "Could not create the user outpost-test; the test PostgreSQL runs as nobody."
fi

# The webhook receiver's verifier, from the npm registry into the peer's own folder (versions pinned in its package.json).
receiver=tests/Outpost.Scenarios/peers/webhooks
if [ ! -f "$receiver/node_modules/standardwebhooks/package.json" ]; then
  echo "Installing the webhook receiver's standardwebhooks package"
  npm install --prefix "$receiver" --no-audit --no-fund --no-package-lock --silent >/dev/null || {
    echo "Could not install standardwebhooks for the webhook receiver"; echo "0 passed, 1 failed"; exit 1; }
fi

configuration=Release
if ! dotnet build Outpost.slnx -c "$configuration" -m:1 --nologo -v q; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
status=0

# The .deb, built once for the scenario that installs it (PackageTests reads OUTPOST_DEB): a self-contained
# publish, a few minutes on a small machine; an OUTPOST_DEB that names an existing package is used instead.
# A failed build counts as one failure; the scenario then fails fast.
debdir=$(mktemp -d)
debstart=$(date +%s)
if [[ -n "${OUTPOST_DEB:-}" && -f "$OUTPOST_DEB" ]]; then
  echo "Using the .deb $OUTPOST_DEB (OUTPOST_DEB)"
elif deb=$(packaging/build-deb.sh "$debdir" 2>"$debdir/build.log" | tail -n 1) && [[ -f "$deb" ]]; then
  echo "Built $(basename "$deb") in $(( $(date +%s) - debstart )) s"
  export OUTPOST_DEB="$deb"
else
  echo "packaging/build-deb.sh failed:"; cat "$debdir/build.log"
  export OUTPOST_DEB="$debdir/not-built.deb"
  failed=$((failed + 1))
  status=1
fi

for project in tests/Outpost.Smtp.Tests tests/Outpost.Engine.Tests tests/Outpost.Scenarios; do
  log=$(mktemp)
  dotnet test "$project" -c "$configuration" --no-build --nologo 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  summary=$(grep -E '(Passed|Failed)!\s+-\s+Failed:' "$log" | tail -n 1)
  if [[ -n "$summary" ]]; then
    f=$(sed -E 's/.*Failed:\s+([0-9]+),.*/\1/' <<<"$summary")
    p=$(sed -E 's/.*Passed:\s+([0-9]+),.*/\1/' <<<"$summary")
    passed=$((passed + p))
    failed=$((failed + f))
  elif (( code != 0 )); then
    echo "$project did not report results (exit code $code)."
    failed=$((failed + 1))
  fi
  (( code != 0 )) && status=1
  rm -f "$log"
done
rm -rf "$debdir"

# The fuzz targets, one result each: a target passes when its bounded run found no crash and no hang.
fuzzlog=$(mktemp)
tests/fuzz/run.sh "${OUTPOST_FUZZ_SECONDS:-25}" 2>&1 | tee "$fuzzlog"
fuzzcode=${PIPESTATUS[0]}
fp=$(grep -cE '^fuzz [^ ]+: passed' "$fuzzlog")
ff=$(grep -cE '^fuzz [^ ]+: failed' "$fuzzlog")
if (( fp + ff == 0 )); then
  echo "The fuzz targets did not run (exit code $fuzzcode)."
  ff=1
fi
passed=$((passed + fp))
failed=$((failed + ff))
(( fuzzcode != 0 )) && status=1
rm -f "$fuzzlog"

echo "$passed passed, $failed failed"
exit $status
