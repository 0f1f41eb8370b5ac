#!/bin/sh
# Metrics benchmark (issue 17): in a private IPC namespace holding 32,000 objects of each kind, times the default
# listing of swipcs, `swipcs --prometheus`, `swipcs --textfile` and `swipcs --prometheus=objects`, taking turns
# run after run. Prints medians, peak memory and the ratio of --prometheus to the listing (target <= 1.2, memory
# <= 16 MiB).
#
#   bench/metrics.sh [RUNS]        (default 11 runs per command; needs root or unprivileged user namespaces)
#
# It builds the release binaries first (swift build -c release --static-swift-stdlib).
set -eu
runs=${1:-11}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
swift build -c release --static-swift-stdlib >/dev/null
swift build --product ipc-fixture >/dev/null
bin=$here/.build/release
fixture=$here/.build/debug/ipc-fixture
wrap=""
[ "$(id -u)" = 0 ] || wrap="unshare --map-root-user"
objects=32000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure=$(cat <<'INNER'
set -eu
runs=$1 swipcs=$2 work=$3
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_once() {
  name=$1; shift
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 )) >> "$work/time-$name"
}
report() {
  name=$1; shift
  peak=$(/usr/bin/time -f "%M" "$@" 2>&1 > /dev/null | tail -1)
  printf '%s %s %s\n' "$name" "$(median < "$work/time-$name")" "$peak"
}
echo "counted $(($(wc -l < /proc/sysvipc/shm) - 1)) shm, $(($(wc -l < /proc/sysvipc/msg) - 1)) msg, $(($(wc -l < /proc/sysvipc/sem) - 1)) sem" >&2
"$swipcs" --prometheus > "$work/summary.prom"
"$swipcs" --prometheus=objects > "$work/objects.prom"
echo "exposition: $(wc -c < "$work/summary.prom") bytes, $(grep -vc '^#' "$work/summary.prom") series; with objects $(wc -c < "$work/objects.prom") bytes, $(grep -vc '^#' "$work/objects.prom") series" >&2
i=0
while [ $i -lt "$runs" ]; do
  time_once listing "$swipcs"
  time_once prometheus "$swipcs" --prometheus
  time_once textfile "$swipcs" --textfile "$work/ipc.prom"
  time_once objects "$swipcs" --prometheus=objects
  time_once orphans "$swipcs" --prometheus=orphans
  i=$((i + 1))
done
report listing "$swipcs"
report prometheus "$swipcs" --prometheus
report textfile "$swipcs" --textfile "$work/ipc.prom"
report objects "$swipcs" --prometheus=objects
report orphans "$swipcs" --prometheus=orphans
INNER
)

echo "== $objects objects of each kind, $runs runs each (median wall microseconds, peak RSS KiB)"
results=$($wrap "$fixture" --bulk "$objects" --set shmmni=32768 --set msgmni=32768 \
  --set "sem=32000 1024000000 500 32768" -- sh -c "$measure" sh "$runs" "$bin/swipcs" "$work")
echo "$results"
echo "$results" | awk '
  { t[$1] = $2; m[$1] = $3 }
  END {
    printf "== ratios to the default listing\n"
    printf "--prometheus            = %.3f (target <= 1.2), peak %.1f MiB (target <= 16 MiB)\n", t["prometheus"] / t["listing"], m["prometheus"] / 1024
    printf "--textfile              = %.3f, peak %.1f MiB\n", t["textfile"] / t["listing"], m["textfile"] / 1024
    printf "--prometheus=objects    = %.3f, peak %.1f MiB\n", t["objects"] / t["listing"], m["objects"] / 1024
    printf "--prometheus=orphans    = %.3f, peak %.1f MiB\n", t["orphans"] / t["listing"], m["orphans"] / 1024
  }'
