#!/bin/sh
# Scale check: 32,000 objects of each kind plus one semaphore set with the largest nsems the namespace allows
# (semmsl), in a private IPC namespace. The release swipcs must print exactly what ipcs prints for the full
# listing and for `-s -i` of the big set, within the memory target of 16 MiB peak RSS.
#
#   Tests/Scale/scale.sh          (needs the release build and /usr/bin/time; root or user namespaces)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
swift build -c release --static-swift-stdlib --product swipcs > /dev/null
swift build --product ipc-fixture > /dev/null
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }
wrap=""
[ "$(id -u)" = 0 ] || wrap="unshare --map-root-user"
limit_kib=$((16 * 1024))
check=$(cat <<'INNER'
set -eu
swipcs=$1 limit=$2 work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
semmsl=$(cut -f1 /proc/sys/kernel/sem)
big=$(awk -v n="$semmsl" 'NR > 1 && $4 == n { print $2 }' /proc/sysvipc/sem)
[ -n "$big" ] || { echo "scale: no set of $semmsl semaphores" >&2; exit 1; }
echo "objects: $(($(wc -l < /proc/sysvipc/shm) - 1)) shm, $(($(wc -l < /proc/sysvipc/msg) - 1)) msg, $(($(wc -l < /proc/sysvipc/sem) - 1)) sem; set $big has $semmsl semaphores"
status=0
for mode in "" "-s -i $big" "-t" "-c"; do
  # shellcheck disable=SC2086
  /usr/bin/ipcs $mode > "$work/ref"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o "$work/peak" "$swipcs" $mode > "$work/new"
  peak=$(tail -1 "$work/peak")
  if ! cmp -s "$work/ref" "$work/new"; then
    echo "scale: swipcs $mode differs from ipcs" >&2
    diff "$work/ref" "$work/new" | head -5 >&2
    status=1
  fi
  if [ "$peak" -gt "$limit" ]; then
    echo "scale: swipcs $mode peaked at $peak KiB (limit $limit KiB)" >&2
    status=1
  fi
  echo "swipcs ${mode:-(listing)}: $(wc -l < "$work/new") lines, identical to ipcs, peak RSS $peak KiB"
done
exit $status
INNER
)
$wrap "$here/.build/debug/ipc-fixture" --bulk 32000 --big-set 32000 --set shmmni=32768 --set msgmni=32768 \
  --set "sem=32000 1024000000 500 32768" -- sh -c "$check" sh "$here/.build/release/swipcs" "$limit_kib"
