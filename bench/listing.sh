#!/bin/sh
# Listing benchmark: in a private IPC namespace holding 32,000 objects of each kind, times the full listing of
# swipcs, of `swipcs --json` and `swipcs -o KEY,ID,OWNER,SIZE --raw`, of swipcs with a five-clause --filter that
# keeps every object (fields, and text with a regular expression), of util-linux ipcs, and of
# `cat /proc/sysvipc/{shm,msg,sem}`, and the start-up of `swipcs -m` and
# `ipcs -m` on an empty namespace. Prints medians, peak memory and the ratios the foundation issue sets as targets.
#
#   bench/listing.sh [RUNS]        (default 11 runs per command; needs root or unprivileged user namespaces)
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

# The measuring side, run inside the fixture's namespace: prints "name median_seconds peak_kib" lines.
measure=$(cat <<'INNER'
set -eu
runs=$1 swipcs=$2
# Five clauses that every object of the fixture (root's, mode 0600, IPC_PRIVATE, just made) passes, so that the
# output is the unfiltered listing's: the cost measured is the selection's alone.
five='UID == 0 && GID == 0 && KEY == 0 && PERMS == "0600" && AGE < 86400'
text='OWNER == "root" && KIND =~ "^(shm|msg|sem)$" && ID >= 0 && CUID == 0 && IDLE < 86400'
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# name command...: one run's wall time in microseconds (nanosecond clock around it), appended to a file per name.
time_once() {
  name=$1; shift
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 )) >> "/tmp/bench-$name.$$"
}
# name command...: the median of the collected times, and the peak RSS of one more run.
report() {
  name=$1; shift
  peak=$(/usr/bin/time -f "%M" "$@" 2>&1 > /dev/null | tail -1)
  printf '%s %s %s\n' "$name" "$(median < "/tmp/bench-$name.$$")" "$peak"
  rm -f "/tmp/bench-$name.$$"
}
echo "counted $(($(wc -l < /proc/sysvipc/shm) - 1)) shm, $(($(wc -l < /proc/sysvipc/msg) - 1)) msg, $(($(wc -l < /proc/sysvipc/sem) - 1)) sem" >&2
# The two listings must agree before they are timed.
"$swipcs" > /tmp/bench-new.$$
/usr/bin/ipcs > /tmp/bench-ref.$$
cmp -s /tmp/bench-new.$$ /tmp/bench-ref.$$ || { echo "bench: swipcs and ipcs listings differ" >&2; exit 1; }
"$swipcs" --filter "$five" > /tmp/bench-filter.$$
cmp -s /tmp/bench-new.$$ /tmp/bench-filter.$$ || { echo "bench: the five-clause filter left objects out" >&2; exit 1; }
rm -f /tmp/bench-new.$$ /tmp/bench-ref.$$ /tmp/bench-filter.$$
# The three take turns, run after run, so that each sees the same state of the machine.
i=0
while [ $i -lt "$runs" ]; do
  time_once swipcs "$swipcs"
  time_once json "$swipcs" --json
  time_once raw "$swipcs" -o KEY,ID,OWNER,SIZE --raw
  time_once filter "$swipcs" --filter "$five"
  time_once filtertext "$swipcs" --filter "$text"
  time_once ipcs /usr/bin/ipcs
  time_once cat cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem
  i=$((i + 1))
done
report swipcs "$swipcs"
report json "$swipcs" --json
report raw "$swipcs" -o KEY,ID,OWNER,SIZE --raw
report filter "$swipcs" --filter "$five"
report filtertext "$swipcs" --filter "$text"
report ipcs /usr/bin/ipcs
report cat cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem
INNER
)

# Start-up: N runs of `-m` on an empty namespace, timed as one loop.
startup=$(cat <<'INNER'
set -eu
loops=$1 swipcs=$2
loop() { # name command...
  name=$1; shift
  start=$(date +%s%N)
  i=0
  while [ $i -lt "$loops" ]; do "$@" > /dev/null; i=$((i + 1)); done
  end=$(date +%s%N)
  echo "$name $(( (end - start) / loops / 1000 ))"
}
for round in 1 2 3; do
  loop swipcs-m "$swipcs" -m
  loop ipcs-m /usr/bin/ipcs -m
done
INNER
)

echo "== listing, $objects objects of each kind, $runs runs each (median wall microseconds, peak RSS KiB)"
results=$($wrap "$fixture" --bulk "$objects" --set shmmni=32768 --set msgmni=32768 \
  --set "sem=32000 1024000000 500 32768" -- sh -c "$measure" sh "$runs" "$bin/swipcs")
echo "$results"
echo "== start-up, empty namespace, 1000 runs per round (mean microseconds per run)"
starts=$($wrap "$fixture" --count 0 -- sh -c "$startup" sh 1000 "$bin/swipcs")
echo "$starts"
echo "$results" | awk -v starts="$starts" '
  { t[$1] = $2; m[$1] = $3 }
  END {
    printf "== ratios\n"
    printf "swipcs / cat  = %.3f (target <= 0.7)\n", t["swipcs"] / t["cat"]
    printf "swipcs / ipcs = %.3f\n", t["swipcs"] / t["ipcs"]
    printf "swipcs peak memory = %.1f MiB at 96,000 objects (target <= 16 MiB)\n", m["swipcs"] / 1024
    printf "swipcs --json / swipcs = %.3f (target <= 1.2), peak %.1f MiB\n", t["json"] / t["swipcs"], m["json"] / 1024
    printf "swipcs -o KEY,ID,OWNER,SIZE --raw / swipcs = %.3f (target <= 1.2), peak %.1f MiB\n", t["raw"] / t["swipcs"], m["raw"] / 1024
    printf "swipcs --filter (five field clauses) / swipcs = %.3f (target <= 1.1), peak %.1f MiB\n", t["filter"] / t["swipcs"], m["filter"] / 1024
    printf "swipcs --filter (text, regex, field clauses) / swipcs = %.3f, peak %.1f MiB\n", t["filtertext"] / t["swipcs"], m["filtertext"] / 1024
  }'
echo "$starts" | awk '{ s[$1] += $2; n[$1]++ } END {
  printf "start-up: swipcs -m %.0f us, ipcs -m %.0f us, ratio %.2f\n", s["swipcs-m"] / n["swipcs-m"], s["ipcs-m"] / n["ipcs-m"], (s["swipcs-m"] / n["swipcs-m"]) / (s["ipcs-m"] / n["ipcs-m"]) }'
