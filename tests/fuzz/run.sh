#!/usr/bin/env bash
# Outpost's fuzz run: builds tests/Outpost.Fuzz, instruments the Outpost assemblies (and MimeKit, whose
# parser the MIME targets go through) with SharpFuzz, and runs every target under AFL++ for a bounded
# time, one after another (never two fuzzers at once). For each target it prints one line
# "fuzz <target>: passed|failed ..."; a crash or hang fails the target, and its input is replayed outside
# the fuzzer so the log shows the input and the exception. Exits 1 if any target failed.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 25 s, every target)
#
# Findings and the corpus each run grows stay in $OUTPOST_FUZZ_OUT (default: a temporary folder); the kept
# seeds are tests/fuzz/corpus/<target>/, dictionaries tests/fuzz/dict/<target>.dict.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-25}
shift $(( $# > 0 ? 1 : 0 ))

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz is missing (Debian package afl++; ./test.sh installs it)."; exit 1
fi
out=${OUTPOST_FUZZ_OUT:-$(mktemp -d /tmp/outpost-fuzz.XXXXXX)}
bin="$out/bin"
rm -rf "$bin" && mkdir -p "$bin"

dotnet tool restore >/dev/null || { echo "Could not restore the sharpfuzz tool (.config/dotnet-tools.json)."; exit 1; }
if ! dotnet build tests/Outpost.Fuzz -c Release -m:1 --nologo -v q -o "$bin" >"$out/build.log" 2>&1; then
  cat "$out/build.log"; echo "The fuzz driver did not build."; exit 1
fi
# Instrumented copies live only in $bin; the normal build output is never touched. Inputs are replayed with
# the plain copy: instrumented code outside afl-fuzz writes to a coverage map that is not there.
plain="$out/plain"
rm -rf "$plain" && cp -r "$bin" "$plain"
for assembly in Outpost.Smtp Outpost.Engine Outpost.Web MimeKit; do
  if ! dotnet tool run sharpfuzz "$bin/$assembly.dll" >"$out/instrument-$assembly.log" 2>&1; then
    cat "$out/instrument-$assembly.log"; echo "Could not instrument $assembly."; exit 1
  fi
done

targets=("$@")
(( ${#targets[@]} )) || mapfile -t targets < <(dotnet "$plain/Outpost.Fuzz.dll" --list)

# AFL++ checks for a native binary and for the CPU governor and core dump pattern of a dedicated machine;
# none of that applies to a .NET driver on a shared one.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_QUIET=1 AFL_IGNORE_SEED_PROBLEMS=1
failed=0
for target in "${targets[@]}"; do
  corpus="tests/fuzz/corpus/$target"
  findings="$out/$target"
  dict=()
  [ -f "tests/fuzz/dict/$target.dict" ] && dict=(-x "tests/fuzz/dict/$target.dict")
  # -t: a .NET child takes a few hundred ms to start; an input is a hang past 5 s.
  timeout --kill-after=30 $((seconds + 120)) afl-fuzz -V "$seconds" -i "$corpus" -o "$findings" -t 5000 -m none "${dict[@]}" \
    -- dotnet "$bin/Outpost.Fuzz.dll" "$target" >"$out/$target.log" 2>&1
  code=$?
  stats="$findings/default/fuzzer_stats"
  execs=$(awk -F': *' '$1 ~ /^execs_done/ {print $2}' "$stats" 2>/dev/null)
  paths=$(awk -F': *' '$1 ~ /^corpus_count/ {print $2}' "$stats" 2>/dev/null)
  mapfile -t bad < <(find "$findings/default/crashes" "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null)
  if [[ ! -f $stats ]]; then
    tail -n 30 "$out/$target.log"
    echo "fuzz $target: failed (afl-fuzz did not run, exit code $code)"
    failed=$((failed + 1))
  elif (( ${#bad[@]} )); then
    dotnet "$plain/Outpost.Fuzz.dll" "$target" "${bad[@]}" | head -n 60
    echo "fuzz $target: failed (${#bad[@]} crashing or hanging inputs in $findings/default; $execs runs)"
    failed=$((failed + 1))
  else
    echo "fuzz $target: passed ($execs runs in ${seconds}s, $paths inputs in the corpus)"
  fi
done
echo "fuzz: ${#targets[@]} targets, $failed failed; findings in $out"
(( failed == 0 ))
