#!/bin/sh
# Removal benchmark: `ipcrm -a`, `swipcrm -a` and `swipcrm -a --filter` (five clauses every object passes) on
# 32,000 objects of each kind, each run in a fresh private IPC namespace filled the same way. Prints the median
# wall time of each and the ratios (target: both swipcrm <= 1.05 x).
#
#   bench/removal.sh [RUNS]        (default 7 runs per tool; needs root or unprivileged user namespaces)
set -eu
runs=${1:-7}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
swift build -c release --static-swift-stdlib >/dev/null
swift build --product ipc-fixture >/dev/null
fixture=$here/.build/debug/ipc-fixture
wrap=""
[ "$(id -u)" = 0 ] || wrap="unshare --map-root-user"
objects=32000

# Inside a fresh namespace: time one `TOOL -a`, check that nothing is left, print microseconds.
one=$(cat <<'INNER'
set -eu
start=$(date +%s%N)
"$@"
end=$(date +%s%N)
left=$(cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem | wc -l)
[ "$left" = 3 ] || { echo "bench: $* left $((left - 3)) objects" >&2; exit 1; }
echo $(( (end - start) / 1000 ))
INNER
)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
once() { # command...
  $wrap "$fixture" --bulk "$objects" --set shmmni=32768 --set msgmni=32768 \
    --set "sem=32000 1024000000 500 32768" -- sh -c "$one" sh "$@"
}
five='UID == 0 && GID == 0 && KEY == 0 && PERMS == "0600" && AGE < 86400'

echo "== removal, $objects objects of each kind, $runs runs each (median wall microseconds)"
times=$(mktemp -d)
trap 'rm -rf "$times"' EXIT
i=0
while [ $i -lt "$runs" ]; do
  # The tools take turns, so that neither always runs on a warmer machine.
  once /usr/bin/ipcrm -a >> "$times/ref"
  once "$here/.build/release/swipcrm" -a >> "$times/new"
  once "$here/.build/release/swipcrm" -a --filter "$five" >> "$times/filter"
  i=$((i + 1))
done
ref=$(median < "$times/ref")
new=$(median < "$times/new")
filter=$(median < "$times/filter")
echo "ipcrm -a   $ref"
echo "swipcrm -a $new"
echo "swipcrm -a --filter (five clauses) $filter"
awk -v r="$ref" -v n="$new" 'BEGIN { printf "swipcrm / ipcrm = %.3f (target <= 1.05)\n", n / r }'
awk -v r="$ref" -v n="$filter" 'BEGIN { printf "swipcrm --filter / ipcrm = %.3f (target <= 1.05)\n", n / r }'
