#!/bin/sh
# Runs /usr/bin/ipcs (or ipcrm) and the swipcs build (or swipcrm) on the same objects, once per line of MODES,
# as each of USERS, and stores what each printed and returned.
#
#   run-modes.sh OUT TOOL NEW_BINARY MODES USERS...
#
# TOOL is ipcs or ipcrm. Both programs run under the name TOOL found through PATH, so that their argv[0] and
# every message that names the program are the same. For each mode N (0-based) it writes OUT/N.args, then
# OUT/N.USER.{ref,new}.{out,err,rc}. USER is root or nobody (uid/gid 65534 through setpriv).
#
# A mode with {shm}, {msg} or {sem} in it stands for one mode per object of that kind in the namespace, with the
# object's id in place of the placeholder; the modes actually run are written to OUT/modes, one per line.
set -u
. "$(dirname "$0")/common.sh"
out=$1 tool=$2 new=$3 modes=$4
shift 4
users=$*
mkdir -p "$out/new-bin"
ln -sf "$new" "$out/new-bin/$tool"
ids() { awk 'NR > 1 { print $2 }' "/proc/sysvipc/$1"; }
while IFS= read -r args || [ -n "$args" ]; do
  case "$args" in
  *"{shm}"*) for id in $(ids shm); do printf '%s\n' "$args" | sed "s/{shm}/$id/g"; done ;;
  *"{msg}"*) for id in $(ids msg); do printf '%s\n' "$args" | sed "s/{msg}/$id/g"; done ;;
  *"{sem}"*) for id in $(ids sem); do printf '%s\n' "$args" | sed "s/{sem}/$id/g"; done ;;
  *) printf '%s\n' "$args" ;;
  esac
done < "$modes" > "$out/modes"
n=0
while IFS= read -r args || [ -n "$args" ]; do
  printf '%s' "$args" > "$out/$n.args"
  for user in $users; do
    for side in ref new; do
      if [ "$side" = ref ]; then path=/usr/bin:/bin; else path=$out/new-bin:/usr/bin:/bin; fi
      run_as "$user" "$path" "$out/$n.$user.$side" "$tool" "$args"
    done
  done
  n=$((n + 1))
done < "$out/modes"
