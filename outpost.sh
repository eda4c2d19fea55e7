#!/usr/bin/env bash
# Builds (incrementally) and runs the `outpost` command: ./outpost.sh serve, ./outpost.sh domain add example.com, …
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
# The build speaks only when it fails.
if ! build=$(dotnet build "$root/src/Outpost" -c Release -m:1 --nologo -v q 2>&1); then
  echo "$build" >&2
  exit 1
fi
exec dotnet "$root/src/Outpost/bin/Release/net10.0/outpost.dll" "$@"
