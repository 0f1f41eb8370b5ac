#!/bin/bash
# --all-namespaces benchmark (issue 15): NS private IPC namespaces (default 100), each holding 3 x PER objects
# (default 34 of each kind: 102), then `swipcs --all-namespaces` timed RUNS times (default 21): the median wall
# time, the per-namespace cost (against `swipcs` in one namespace), and a check that each block is what
# `nsenter --ipc -t PID ipcs` prints. Target: <= 100 ms for 100 namespaces of 100 objects.
#
#   bench/namespaces.sh [RUNS] [NS] [PER]        (as root)
#
# Everything runs as pid 1 of a private pid namespace with its own /proc and IPC namespace, so only the
# benchmark's namespaces are seen (the machine's, and other sessions', are not listed or touched). The holders
# block on FIFOs and are released through them at the end.
set -eu
runs=${1:-21} count=${2:-100} per=${3:-34}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
swift build -c release --static-swift-stdlib > /dev/null
swift build --product ipc-fixture > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

inner=$(cat << 'INNER'
set -eu
work=$1 swipcs=$2 fixture=$3 runs=$4 count=$5 per=$6
block='exec 3<> "$0.release"; echo $$ > "$0.ready"; read -r _ <&3'
pids=()
for i in $(seq "$count"); do
  mkfifo "$work/$i.ready" "$work/$i.release"
  "$fixture" --count 0 --bulk "$per" -- sh -c "$block" "$work/$i" &
  read -r pid < "$work/$i.ready"
  pids+=("$pid")
done
release() {
  for i in $(seq "$count"); do exec 4<> "$work/$i.release"; echo >&4; exec 4>&-; done
  wait
}
trap release EXIT
# Each block is what nsenter + ipcs prints there.
"$swipcs" --all-namespaces > "$work/all"
for pid in "${pids[@]}"; do
  id=$(stat -L -c %i "/proc/$pid/ns/ipc")
  awk -v id="$id" '/^==== IPC namespace / { on = ($4 == id); next } on' "$work/all" \
    | cmp -s - <(nsenter --ipc -t "$pid" /usr/bin/ipcs) || { echo "bench: block of $pid differs" >&2; exit 1; }
done
echo "namespaces listed: $(grep -c '^==== IPC namespace' "$work/all") ($count of the benchmark's and pid 1's own)"
echo "objects listed: $(grep -c '^0x' "$work/all")"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_of() { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(((e - s) / 1000)); }
for _ in $(seq "$runs"); do
  time_of "$swipcs" --all-namespaces >> "$work/all.t"
  time_of nsenter --ipc -t "${pids[0]}" "$swipcs" >> "$work/one.t"
  time_of "$swipcs" --ns "${pids[0]}" >> "$work/ns.t"
done
all=$(median < "$work/all.t") one=$(median < "$work/one.t") ns=$(median < "$work/ns.t")
echo "swipcs --all-namespaces           $all us (median of $runs; target <= 100000)"
echo "swipcs --ns PID (one namespace)   $ns us"
echo "nsenter --ipc -t PID swipcs       $one us (nsenter's own start included)"
awk -v a="$all" -v n="$ns" -v c="$((count + 1))" 'BEGIN { printf "per namespace: %.0f us ((all - one --ns run) / %d namespaces)\n", (a - n) / (c - 1), c - 1 }'
INNER
)
unshare --pid --fork --mount-proc --ipc bash -c "$inner" bash "$work" "$here/.build/release/swipcs" \
  "$here/.build/debug/ipc-fixture" "$runs" "$count" "$per"
