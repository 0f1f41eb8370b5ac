#!/bin/sh
# Runs /usr/bin/ipcrm and the swipcrm build on the same objects, each mode in a fresh namespace made by the
# fixture from the same arguments, so that both programs see identical ids and keys.
#
#   run-removals.sh OUT TOOL NEW_BINARY FIXTURE MODES USERS... -- FIXTURE_ARGS...
#
# For mode N and each USER (root, or nobody = uid/gid 65534 through setpriv) and side (ref = util-linux, new =
# ours) it writes OUT/N.USER.SIDE.{args,out,err,rc,after}: the mode as run, what the tool printed, its exit
# status, and `ipcs` (as root) afterwards.
#
# In a mode, {shm:I}, {msg:I} and {sem:I} stand for the id of the I-th object of that kind (0-based, /proc
# order); {shmkey:I} (and msgkey, semkey) for its key as 0x%08x, {shmkeydec:I} in decimal, {shmkeyoct:I} in
# octal with a leading 0.
set -u
. "$(dirname "$0")/common.sh"
if [ "$1" = --inner ]; then
  base=$2 tool=$3 path=$4 user=$5 args=$6
  for kind in shm msg sem; do
    i=0
    for line in $(awk 'NR > 1 { k = $1 < 0 ? $1 + 4294967296 : $1; printf "%s,%.0f\n", $2, k }' "/proc/sysvipc/$kind"); do
      id=${line%%,*} key=${line#*,}
      hex=$(printf '0x%08x' "$key") oct=$(printf '0%o' "$key")
      args=$(printf '%s' "$args" | sed -e "s/{$kind:$i}/$id/g" -e "s/{${kind}key:$i}/$hex/g" \
        -e "s/{${kind}keydec:$i}/$key/g" -e "s/{${kind}keyoct:$i}/$oct/g")
      i=$((i + 1))
    done
  done
  printf '%s' "$args" > "$base.args"
  run_as "$user" "$path" "$base" "$tool" "$args"
  /usr/bin/ipcs > "$base.after"
  exit 0
fi
out=$1 tool=$2 new=$3 fixture=$4 modes=$5
shift 5
users=""
while [ "$1" != -- ]; do users="$users $1"; shift; done
shift
mkdir -p "$out/new-bin"
ln -sf "$new" "$out/new-bin/$tool"
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cp "$modes" "$out/modes"
n=0
while IFS= read -r args || [ -n "$args" ]; do
  for user in $users; do
    for side in ref new; do
      if [ "$side" = ref ]; then path=/usr/bin:/bin; else path=$out/new-bin:/usr/bin:/bin; fi
      "$fixture" "$@" -- sh "$script" --inner "$out/$n.$user.$side" "$tool" "$path" "$user" "$args" ||
        echo "fixture failed for mode $n" >&2
    done
  done
  n=$((n + 1))
done < "$modes"
