#!/bin/sh
# POSIX listing benchmark (issue 16): in a private mount namespace with its own tmpfs on /dev/shm holding 10,000
# shared-memory objects of 4 KiB, times `swipcs --posix-shmems` (the aligned table), its `--json`, the holder
# columns `-o NAME,ATTACHED` and `--orphaned` (one pass over every process's fd/ and shared maps), against
# `ls -l /dev/shm`. The machine's own /dev/shm is not touched; the pid namespace is the caller's, so the holder scan
# reads every process of the machine.
#
#   bench/posix.sh [RUNS]        (default 11 runs per command; needs root: unshare --mount and a tmpfs)
#
# It builds the release binaries first.
set -eu
runs=${1:-11}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ "$(id -u)" = 0 ] || { echo "bench: needs root (a private mount namespace with a tmpfs on /dev/shm)" >&2; exit 1; }
swift build -c release --static-swift-stdlib >/dev/null
measure=$(cat <<'INNER'
set -eu
runs=$1 swipcs=$2
mount -t tmpfs -o mode=1777 swipcs-bench /dev/shm
python3 -c '
import os
for i in range(10000):
    fd = os.open("/dev/shm/obj%05d" % i, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, 4096)
    os.close(fd)
'
[ "$("$swipcs" --posix-shmems --noheadings | wc -l)" = 10000 ] || { echo "bench: swipcs does not list 10000 objects" >&2; exit 1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_once() {
  name=$1; shift
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 )) >> "/tmp/bench-posix-$name.$$"
}
i=0
while [ $i -lt "$runs" ]; do
  time_once table "$swipcs" --posix-shmems
  time_once json "$swipcs" --posix-shmems --json
  time_once attached "$swipcs" --posix-shmems -o NAME,ATTACHED
  time_once orphaned "$swipcs" --posix-shmems --orphaned
  time_once ls ls -l /dev/shm
  i=$((i + 1))
done
for name in table json attached orphaned ls; do
  printf '%s %s\n' "$name" "$(median < "/tmp/bench-posix-$name.$$")"
  rm -f "/tmp/bench-posix-$name.$$"
done
INNER
)
echo "== 10,000 POSIX shared-memory objects, $runs runs each (median wall microseconds), $(ls /proc | grep -c '^[0-9]') processes"
results=$(unshare --mount --propagation private sh -c "$measure" sh "$runs" "$here/.build/release/swipcs")
echo "$results"
echo "$results" | awk '{ t[$1] = $2 } END {
  printf "== ratios to ls -l /dev/shm\n"
  printf "swipcs --posix-shmems          = %.3f\n", t["table"] / t["ls"]
  printf "swipcs --posix-shmems --json   = %.3f\n", t["json"] / t["ls"]
  printf "-o NAME,ATTACHED (holder scan) = %.3f\n", t["attached"] / t["ls"]
  printf "--orphaned (holder scan)       = %.3f\n", t["orphaned"] / t["ls"]
}'
