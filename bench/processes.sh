#!/bin/sh
# Process-scan benchmark (issue 14): in a private IPC namespace holding 32,000 objects of each kind and a private
# pid namespace with live processes, each attaching a segment and holding a typical number of mappings, times
# `swipcs -o ID,ATTACHED --json` (every segment's attachers: one pass over /proc/PID/maps) against the plain
# listing, and shows how the scan's cost grows with processes and with mappings.
#
#   bench/processes.sh [RUNS]        (default 11 runs per command; needs root: unshare --pid, 3,000 processes)
#
# Phases, in one namespace: A 1,000 processes of ~130 maps lines each (a small C program with 100 extra file
# mappings: about what a daemon linked to a few libraries has); B 1,000 more of the same; C 1,000 more with ~1,030
# lines each. It builds the release binaries and Tests/EndToEndTests/Scripts/holder.c first.
set -eu
runs=${1:-11}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ "$(id -u)" = 0 ] || { echo "bench: needs root (a private pid namespace with 3,000 processes)" >&2; exit 1; }
swift build -c release --static-swift-stdlib >/dev/null
swift build --product ipc-fixture >/dev/null
work=$(mktemp -d /tmp/swipcs-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/holder" Tests/EndToEndTests/Scripts/holder.c
objects=32000

measure=$(cat <<'INNER'
set -eu
runs=$1 swipcs=$2 holder=$3 work=$4
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_once() { # (sh has no local variables: these names are its own)
  tname=$1; shift
  tstart=$(date +%s%N)
  "$@" > /dev/null
  tend=$(date +%s%N)
  echo $(( (tend - tstart) / 1000 )) >> "$work/t-$tname"
}
# start COUNT MAPS: COUNT holders, each attaching one segment of the namespace and adding MAPS mappings; returns
# when every one has said it is ready (their lines come on one fifo; no sleep).
ids=$(awk 'NR > 1 { print $2 }' /proc/sysvipc/shm | head -n 3000)
started=0
mkfifo "$work/hold" "$work/ready"
exec 8<> "$work/hold" 9<> "$work/ready"
start() {
  count=$1 maps=$2
  for id in $(echo "$ids" | tail -n +$((started + 1)) | head -n "$count"); do
    "$holder" attach "$id" maps "$maps" hold < "$work/hold" > "$work/ready" &
  done
  started=$((started + count))
  lines=0
  while [ $lines -lt $((3 * count)) ]; do read -r _ <&9; lines=$((lines + 1)); done
}
phase() {
  name=$1
  lines=$(cat /proc/[0-9]*/maps 2>/dev/null | wc -l)
  procs=$(ls -d /proc/[0-9]* | wc -l)
  i=0
  while [ $i -lt "$runs" ]; do
    time_once "$name-plain" "$swipcs"
    time_once "$name-attached" "$swipcs" -o ID,ATTACHED --json
    time_once "$name-shm-id" "$swipcs" -m -o ID --json
    time_once "$name-shm-attached" "$swipcs" -m -o ID,ATTACHED --json
    i=$((i + 1))
  done
  printf '%s procs=%s maps_lines=%s' "$name" "$procs" "$lines"
  for what in plain attached shm-id shm-attached; do printf ' %s=%s' "$what" "$(median < "$work/t-$name-$what")"; done
  echo
}
start 1000 100
phase A
start 1000 100
phase B
start 1000 1000
phase C
# The holders read EOF and exit.
exec 8>&-
"$swipcs" -m -o ID,ATTACHED --json | grep -c '"pid"' | sed 's/^/attachers listed in phase C: /' >&2
INNER
)

echo "== process scan, $objects objects of each kind, $runs runs each (median wall microseconds)"
results=$("$here/.build/debug/ipc-fixture" --bulk "$objects" --set shmmni=32768 --set msgmni=32768 \
  --set "sem=32000 1024000000 500 32768" -- unshare --pid --fork --mount-proc \
  sh -c "$measure" sh "$runs" "$here/.build/release/swipcs" "$work/holder" "$work")
echo "$results"
echo "$results" | awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } }
  END {
    printf "== ratios\n"
    for (p = 1; p <= 3; p++) {
      name = substr("ABC", p, 1)
      printf "%s (%d processes, %d maps lines): -o ID,ATTACHED --json / swipcs = %.2f (target <= 2); scan = %.1f ms\n",
        name, v[name, "procs"], v[name, "maps_lines"], v[name, "attached"] / v[name, "plain"],
        (v[name, "shm-attached"] - v[name, "shm-id"]) / 1000
    }
    printf "per 1,000 processes of ~130 lines (B - A): %.1f ms\n", ((v["B", "shm-attached"] - v["B", "shm-id"]) - (v["A", "shm-attached"] - v["A", "shm-id"])) / 1000
    printf "per 1,000 processes of ~1,030 lines (C - B): %.1f ms\n", ((v["C", "shm-attached"] - v["C", "shm-id"]) - (v["B", "shm-attached"] - v["B", "shm-id"])) / 1000
  }'
