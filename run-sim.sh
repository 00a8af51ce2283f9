#!/usr/bin/env bash
# XvifSim's front door: builds what is needed, installs the Debian packages
# the product and its tests rely on, and runs the simulator or the test suite.
# See ./run-sim.sh --help.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOST_PROJECT="$ROOT/Emulator/Cli/XvifSim.Cli.csproj"
HOST_DLL="$ROOT/Emulator/Cli/bin/Release/net10.0/xvifsim.dll"
BENCH_PROJECT="$ROOT/Tests/XvifSim.Benchmarks/XvifSim.Benchmarks.csproj"
BENCH_DLL="$ROOT/Tests/XvifSim.Benchmarks/bin/Release/net10.0/XvifSim.Benchmarks.dll"
# `pack` writes every NuGet package here; the samples restore from it (samples/nuget.config).
PACK_DIR="$ROOT/artifacts/packages"
# Scenarios write their pcaps under the checkout's Captures/ wherever they are run from.
export XVIFSIM_CAPTURES="${XVIFSIM_CAPTURES:-$ROOT/Captures}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<'USAGE'
Usage: ./run-sim.sh [command] [options]

  (no command)          build (Release) if needed, then run the default scenario
  list                  list the scenarios, one line each
  run <scenario> [...]  run one scenario (options: see `./run-sim.sh run --help`)
  <scenario> [...]      shorthand for `run <scenario>`
  all [--seed N] [--threaded] [--out DIR]
                        run every scenario, then a table of result, time and
                        frames; fails if any fails
                        (exit codes: 0 passed, 1 a check failed, 2 bad input)
  up <guest.cfg>... [--traffic ping|udp|none] [--seed N] [--out DIR] [--threaded]
                        boot dom0 with bridge0 and your own guests from their
                        xl.cfg files, run traffic between them, report
  xenstored --socket PATH [--guests N] [--trace FILE.pcapng]
                        run a standalone XenStore on a Unix socket until stopped
  soak [--guests N] [--seconds S] [--deterministic] [--seed N]
                        N guests (64), mixed UDP traffic and random attach,
                        detach and suspend/resume for S seconds (60, threaded);
                        reports frames, drops by reason and anything left held
  bench [--quick | --fleet | --capture] [--out PATH]
                        measure guest-to-guest throughput (capture off and
                        on), XenStore, connecting 64 guest pairs, 1,000 guests
                        on one bridge each pinging dom0, and the
                        hypervisor's hot operations against memory-copy and
                        Channels baselines; print the table and write
                        bench-results.json (or PATH). --quick: under a minute
                        (300 guests); --fleet: the 1,000 guests alone;
                        --capture: the capture path alone (CPU per tap,
                        writer bytes/s against a sequential write), printed
  wireshark             install the trace dissector (tools/wireshark/xvifsim.lua)
                        in your personal Wireshark plugin folder and say where
  test                  install the test prerequisites, run `dotnet test`, pack,
                        run the samples and a `dotnet new xvifsim-nunit` project
                        against the packages, and print the line
                        `N passed, N failed, N skipped` over all of them
  pack                  write the NuGet packages (libraries and the dotnet new
                        template) to artifacts/packages and print that folder
  --help                this text

Debian packages: libpcap0.8 (captures) is installed when missing; `test`
also installs tshark, xenstore-utils, python3-pyxs, afl++, gcc, libc6-dev and libxen-dev.
Installing needs root.
USAGE
}

say() { printf 'run-sim: %s\n' "$*" >&2; }

# Is a Debian package installed?
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Installs the named Debian packages that are missing, or says in one line
# which are missing and why they cannot be installed here.
ensure_pkgs() {
  local missing=() p
  for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing Debian package(s): ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
    return 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/run-sim-apt.log 2>&1; then
    say "could not install Debian package(s): ${missing[*]} (see /tmp/run-sim-apt.log)"
    return 1
  fi
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { say "the .NET 10 SDK is missing: install dotnet-sdk-10.0"; exit 1; }
}

# Builds a program (project $1, output $2) in Release when a source is newer
# than it; running the built dll then saves `dotnet run`'s seconds of checks.
build_release() {
  require_dotnet
  if [ -f "$2" ] && [ -z "$(find "$ROOT" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) \
        -not -path '*/bin/*' -not -path '*/obj/*' -newer "$2" -print -quit)" ]; then
    return 0
  fi
  say "building $(basename "$1" .csproj) (Release)"
  local log
  log="$(mktemp)"
  if ! dotnet build "$1" -c Release --nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    say "the build failed"
    exit 1
  fi
  rm -f "$log"
}

run_host() {
  ensure_pkgs libpcap0.8 || exit 1
  build_release "$HOST_PROJECT" "$HOST_DLL"
  exec dotnet "$HOST_DLL" "$@"
}

# dotnet pack of the solution into $PACK_DIR, emptied first so that only
# this build's packages are there; prints the folder on stdout.
run_pack() {
  require_dotnet
  local log
  log="$(mktemp)"
  rm -rf "$PACK_DIR"
  mkdir -p "$PACK_DIR"
  say "packing into $PACK_DIR"
  if ! dotnet pack "$ROOT/XvifSim.sln" -c Release -o "$PACK_DIR" --nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    say "packing failed"
    return 1
  fi
  rm -f "$log"
  echo "$PACK_DIR"
}

# Runs the samples and a project made by the template against the packages
# in $PACK_DIR, appending `dotnet test` output to $1. Restores into a
# packages folder made afresh for this run (NUGET_PACKAGES): the global
# cache would keep an earlier build of the same version, and that is not
# what is under test. Returns non-zero if any step fails.
run_package_tests() {
  local log="$1" work="$ROOT/artifacts/package-tests" rc=0
  rm -rf "$work"
  mkdir -p "$work"
  local packages="$work/nuget-packages" hive="$work/template-hive" instance="$work/TemplateTest"
  NUGET_PACKAGES="$packages" dotnet test "$ROOT/samples/XvifSim.Samples/XvifSim.Samples.csproj" --nologo 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1

  # The template's project, as a user gets it: outside the repository's build
  # settings (an empty Directory.Build.props stops MSBuild's search upwards),
  # restoring XvifSim from $PACK_DIR.
  printf '<Project />\n' >"$work/Directory.Build.props"
  cat >"$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="xvifsim-local" value="$PACK_DIR" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG
  if dotnet new install "$(ls "$PACK_DIR"/XvifSim.Templates.*.nupkg)" --debug:custom-hive "$hive" >>"$log" 2>&1 \
      && dotnet new xvifsim-nunit -n TemplateTest -o "$instance" --debug:custom-hive "$hive" >>"$log" 2>&1; then
    NUGET_PACKAGES="$packages" dotnet test "$instance/TemplateTest.csproj" --nologo 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
  else
    say "could not install or instantiate the xvifsim-nunit template (see the log above)"
    rc=1
  fi
  return "$rc"
}

run_tests() {
  require_dotnet
  # afl++: the bounded fuzzing campaign in the suite (Tests/XvifSim.Fuzz/run-campaign.sh).
  ensure_pkgs libpcap0.8 tshark xenstore-utils python3-pyxs afl++ gcc libc6-dev libxen-dev || exit 1
  local log rc
  log="$(mktemp)"
  set +e
  dotnet test "$ROOT/XvifSim.sln" --nologo 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # The samples and the template's project, against freshly made packages.
  if run_pack >/dev/null; then
    run_package_tests "$log" || rc=1
  else
    rc=1
  fi
  set -e
  # dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, Skipped: S"
  # line per test assembly; CI wants one plain total, and no test is a failure.
  sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\3 \2 \4/p' "$log" \
    | awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (p == 0)}' || rc=1
  rm -f "$log"
  return "$rc"
}

# Copies the trace dissector into the personal Lua plugin folder Wireshark
# and tshark load at start (~/.local/lib/wireshark/plugins on Linux).
install_wireshark_plugin() {
  local dir="$HOME/.local/lib/wireshark/plugins"
  mkdir -p "$dir"
  cp "$ROOT/tools/wireshark/xvifsim.lua" "$dir/xvifsim.lua"
  say "installed the XvifSim trace dissector as $dir/xvifsim.lua"
  say "open a capture: wireshark Captures/ping/all.pcapng (filters: xenstore, xenbus, netif, gnttab, evtchn)"
}

case "${1:-}" in
  -h|--help|help) usage ;;
  test) shift; run_tests "$@" ;;
  wireshark) install_wireshark_plugin ;;
  pack) shift; run_pack ;;
  "") run_host run ;;
  bench) shift; ensure_pkgs libpcap0.8 || exit 1; build_release "$BENCH_PROJECT" "$BENCH_DLL"; exec dotnet "$BENCH_DLL" "$@" ;;
  list|run|all|up|xenstored|soak) run_host "$@" ;;
  -*) usage >&2; exit 2 ;;
  *) run_host run "$@" ;;
esac
