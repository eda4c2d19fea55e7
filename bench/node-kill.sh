#!/usr/bin/env bash
# The kill tests at the issue's size: two outpost serve nodes on one private PostgreSQL, 3,000 messages
# through both, one node SIGKILLed mid-load; then PostgreSQL stopped and started under load
# (docs/SCALING.md, "The kill tests"). CI runs the same tests with 600 messages.
# usage: bench/node-kill.sh [messages=3000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet build tests/Outpost.Scenarios -c Release -m:1 --nologo -v q
OUTPOST_KILL_MESSAGES="${1:-3000}" dotnet test tests/Outpost.Scenarios -c Release --no-build \
  --filter FullyQualifiedName~NodeKillTests --logger "console;verbosity=detailed"
