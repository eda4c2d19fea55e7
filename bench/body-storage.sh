#!/usr/bin/env bash
# Message bodies in PostgreSQL: chunked bytea rows (what Outpost uses) against large objects, write and read of
# 1 MB and 25 MB, median of five, on the tests' private cluster. Prints one line per size; docs/SCALING.md keeps
# the figures. Not part of CI (the measurement is skipped unless OUTPOST_MEASURE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Outpost.Engine.Tests -c Release -m:1 --nologo -v q
OUTPOST_MEASURE=1 dotnet test tests/Outpost.Engine.Tests -c Release --no-build \
  --filter "FullyQualifiedName~BodyStorageMeasurement" --logger "console;verbosity=detailed" | grep -E "MB, median|Passed|Failed"
