#!/usr/bin/env bash
# A fuzzing campaign with Debian's afl++ on XvifSim's fuzz targets (see
# README.md, Fuzzing): builds the fuzz project, copies its output to a work
# directory outside the repository, instruments the product assemblies there
# with SharpFuzz, runs afl-fuzz on each target for a fixed time, and reports
# executions, corpus size, crashes and hangs per target. Crash inputs are
# copied to a findings directory whose path is printed. Exits 1 if any target
# crashed or a campaign could not run, 2 for bad arguments.
#
#   run-campaign.sh [--seconds N] [--target xenstore|xvif-tx]... [--out DIR]
#                   [--configuration Release|Debug] [--no-build]
#
# --seconds N        afl-fuzz -V N for each target (default 300)
# --target T         fuzz only T (may be repeated; default: every target)
# --out DIR          where the work directory goes (default: a new one under /tmp)
# --configuration C  which build to fuzz (default Release)
# --no-build         use the existing build of that configuration
set -euo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$FUZZ_DIR/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The assemblies whose code the targets reach; the fuzz harness itself and
# the toolstack (used only to lay out the machine) are left uninstrumented.
PRODUCT_ASSEMBLIES=(XvifSim.Public XvifSim.Emulator XvifSim.Guest XvifSim.Backend)
ALL_TARGETS=(xenstore xvif-tx)

say() { printf 'run-campaign: %s\n' "$*" >&2; }
usage() { sed -n '10,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

seconds=300 configuration=Release build=1 out="" targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage; seconds="$2"; shift 2 ;;
    --target) [ $# -ge 2 ] && [[ " ${ALL_TARGETS[*]} " == *" $2 "* ]] || usage; targets+=("$2"); shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    --configuration) [ $# -ge 2 ] && [[ "$2" =~ ^(Release|Debug)$ ]] || usage; configuration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) usage ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

if ! command -v afl-fuzz >/dev/null 2>&1; then
  say "afl-fuzz is missing: install the Debian package afl++ (apt-get install afl++; ./run-sim.sh test installs it)"
  exit 1
fi

if [ -z "$out" ]; then
  out="$(mktemp -d /tmp/xvifsim-fuzz.XXXXXX)"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$out/" in
  "$ROOT"/*) say "--out must be outside the repository ($ROOT)"; exit 2 ;;
esac

cd "$ROOT"
build_dir="$FUZZ_DIR/bin/$configuration/net10.0"
if [ "$build" -eq 1 ]; then
  say "building XvifSim.Fuzz ($configuration)"
  dotnet build "$FUZZ_DIR/XvifSim.Fuzz.csproj" -c "$configuration" --nologo -v quiet >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; say "the build failed"; exit 1; }
fi
[ -f "$build_dir/XvifSim.Fuzz.dll" ] || { say "no build in $build_dir (drop --no-build)"; exit 1; }

# Instrument a copy: the repository's build stays as it is.
bin="$out/bin"
rm -rf "$bin"
cp -r "$build_dir" "$bin"
dotnet tool restore >"$out/tool-restore.log" 2>&1 || { cat "$out/tool-restore.log" >&2; say "dotnet tool restore failed"; exit 1; }
for assembly in "${PRODUCT_ASSEMBLIES[@]}"; do
  dotnet tool run sharpfuzz "$bin/$assembly.dll" >>"$out/instrument.log" 2>&1 \
    || { cat "$out/instrument.log" >&2; say "sharpfuzz could not instrument $assembly.dll"; exit 1; }
done

# dotnet is not an afl-instrumented binary (SharpFuzz's fork server speaks
# for it); the machine is shared, so no CPU frequency or core pinning demands,
# and no UI: plain status lines.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000

stat() { sed -nE "s/^$2 +: *([0-9.]+).*/\1/p" "$1"; }

failed=0
findings="$out/findings"
printf '%-10s %12s %10s %8s %8s %8s\n' target execs execs/s corpus crashes hangs
for target in "${targets[@]}"; do
  sync_dir="$out/afl-$target"
  rm -rf "$sync_dir"
  dict=()
  [ -f "$FUZZ_DIR/$target.dict" ] && dict=(-x "$FUZZ_DIR/$target.dict")
  # -t: one input may rebuild the machine; -m none: the CLR reserves far more address space than it uses.
  if ! afl-fuzz -i "$FUZZ_DIR/corpus/$target" -o "$sync_dir" "${dict[@]}" -V "$seconds" -t 5000 -m none \
      -- dotnet "$bin/XvifSim.Fuzz.dll" "$target" >"$out/afl-$target.log" 2>&1; then
    tail -n 30 "$out/afl-$target.log" >&2
    say "afl-fuzz failed on $target (log: $out/afl-$target.log)"
    failed=1
    continue
  fi

  stats="$sync_dir/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    say "afl-fuzz left no fuzzer_stats for $target (log: $out/afl-$target.log)"
    failed=1
    continue
  fi

  execs="$(stat "$stats" execs_done)"
  crashes="$(stat "$stats" saved_crashes)"
  printf '%-10s %12s %10s %8s %8s %8s\n' "$target" "$execs" "$(stat "$stats" execs_per_sec)" \
    "$(stat "$stats" corpus_count)" "$crashes" "$(stat "$stats" saved_hangs)"
  if [ "${execs:-0}" -eq 0 ]; then
    say "$target: no execution ran"
    failed=1
  fi
  if [ "${crashes:-0}" -gt 0 ]; then
    mkdir -p "$findings/$target"
    cp "$sync_dir"/default/crashes/id:* "$findings/$target/"
    say "$target: $crashes crash(es); inputs in $findings/$target (replay: dotnet $build_dir/XvifSim.Fuzz.dll $target FILE)"
    failed=1
  fi
done

say "work directory: $out"
exit "$failed"
