# Issue 15 end to end: run as root, as pid 1 of a private pid namespace with its own /proc and its own IPC
# namespace (the caller makes them: unshare --pid --fork --mount-proc --ipc), so that every process and every IPC
# namespace this script sees is its own: the machine's are never seen, entered or changed.
#
#   namespaces.sh WORK SWIPCS SWIPCRM FIXTURE
#
# Holders are processes in IPC namespaces of their own, holding objects, that say they are ready on a FIFO and
# block reading another until released. They are released through their FIFOs, not by signals: the test runner's
# threads block signals, and its children inherit that mask. Each comparison prints `FAIL: …` when it fails; the caller checks there
# is none, and reads the results after `##` markers.
set -u
work=$1 swipcs=$2 swipcrm=$3 fixture=$4
new=$work/new-bin
mkdir -p "$new" && ln -s "$swipcs" "$new/ipcs" && ln -s "$swipcrm" "$new/ipcrm"
chmod 755 "$work"
fail() { printf 'FAIL: %s\n' "$*"; }
holders=()

# hold NAME COMMAND...: starts COMMAND (which makes a namespace and objects, then runs `block`, below) in the
# background and waits until it is ready; sets $held to the pid of the blocking process (in the new namespace).
# The blocker opens its release FIFO read-write before it says it is ready, so a release can never be missed and
# never blocks.
block='exec 3<> "$0.release"; echo $$ > "$0.ready"; read -r _ <&3'
hold() {
  local name=$work/$1
  shift
  mkfifo -m 666 "$name.ready" "$name.release"
  "$@" &
  read -r held < "$name.ready"
  holders+=("$name")
}
release_all() {
  local name
  for name in "${holders[@]}"; do
    exec 4<> "$name.release"
    echo >&4
    exec 4>&-
  done
  wait
}
trap release_all EXIT

inode() { stat -L -c %i "/proc/$1/ns/ipc"; }
# same LABEL CMD1 -- CMD2: both commands' stdout, stderr and exit status must be the same bytes.
same() {
  local label=$1
  shift
  local -a left=() right=()
  while [[ $1 != -- ]]; do left+=("$1"); shift; done
  shift
  right=("$@")
  "${left[@]}" > "$work/l.out" 2> "$work/l.err" < /dev/null
  echo $? > "$work/l.rc"
  "${right[@]}" > "$work/r.out" 2> "$work/r.err" < /dev/null
  echo $? > "$work/r.rc"
  for part in out err rc; do
    cmp -s "$work/l.$part" "$work/r.$part" || fail "$label: $part differs: $(diff "$work/l.$part" "$work/r.$part" | head -5)"
  done
}

# The script's own namespace (pid 1's) holds an object too: nothing may remove it.
ipcmk -Q > /dev/null

hold a unshare --ipc sh -c "ipcmk -M 4096 -p 600 >/dev/null && ipcmk -Q >/dev/null && ipcmk -S 3 -p 644 >/dev/null && $block" "$work/a"
pa=$held
hold b "$fixture" --seed 7 --count 6 -- sh -c "$block" "$work/b"
pb=$held
hold c unshare --user --map-root-user --ipc sh -c "ipcmk -M 8192 >/dev/null && ipcmk -Q >/dev/null && $block" "$work/c"
pc=$held
# A namespace of uid 65534's own (in a user namespace it owns): it may open the nsfs file, but not enter it.
hold n setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user --ipc sh -c "ipcmk -Q >/dev/null && $block" "$work/n"
pn=$held

# --ns PID and --ns PATH, every view, as nsenter --ipc runs ipcs.
for pid in "$pa" "$pb" "$pc"; do
  for mode in "" -t -p -c -l -u --human -b "-m -t" "-q -c" "-s -p" "-m -i 0" "-q -i 0" "-s -i 0" "-m -i 12345" "-s -u --human"; do
    # shellcheck disable=SC2086
    same "ipcs --ns $pid $mode" "$new/ipcs" --ns "$pid" $mode -- nsenter --ipc -t "$pid" /usr/bin/ipcs $mode
  done
  same "ipcs --ns /proc/$pid/ns/ipc" "$new/ipcs" --ns "/proc/$pid/ns/ipc" -m -- nsenter --ipc -t "$pid" /usr/bin/ipcs -m
done
# A bind-mounted nsfs file (private mount namespace of this script).
touch "$work/nsfile" && mount --bind "/proc/$pa/ns/ipc" "$work/nsfile"
same "ipcs --ns bind mount" "$new/ipcs" --ns "$work/nsfile" -- nsenter --ipc="$work/nsfile" /usr/bin/ipcs
umount "$work/nsfile"

# Wrong arguments: clear messages, status 1, nothing on stdout.
expect() { # LABEL STATUS STDERR CMD...
  local label=$1 status=$2 message=$3
  shift 3
  "$@" > "$work/x.out" 2> "$work/x.err" < /dev/null
  local rc=$?
  [[ $rc == "$status" ]] || fail "$label: exit status $rc, not $status"
  [[ ! -s $work/x.out ]] || fail "$label: printed $(head -c 200 "$work/x.out")"
  [[ $(cat "$work/x.err") == "$message" ]] || fail "$label: said '$(cat "$work/x.err")', not '$message'"
}
expect "net namespace" 1 "ipcs: '/proc/$pa/ns/net' is a namespace file, but not of an IPC namespace" "$new/ipcs" --ns "/proc/$pa/ns/net"
expect "regular file" 1 "ipcs: '/etc/passwd' is not an IPC namespace file (not on nsfs)" "$new/ipcs" --ns /etc/passwd
mkfifo "$work/fifo"
expect "fifo" 1 "ipcs: '$work/fifo' is not an IPC namespace file (not on nsfs)" "$new/ipcs" --ns "$work/fifo"
expect "no file" 1 "ipcs: cannot open '$work/none': No such file or directory" "$new/ipcs" --ns "$work/none"
expect "no process" 1 "ipcs: no process with pid 999999 (cannot open /proc/999999/ns/ipc: No such file or directory)" "$new/ipcs" --ns 999999
expect "pid 0" 1 "ipcs: failed to parse --ns argument: '0' is neither a pid (greater than 0) nor a path" "$new/ipcs" --ns 0
expect "both" 1 "ipcs: mutually exclusive arguments: --ns --all-namespaces
Try 'ipcs --help' for more information." "$new/ipcs" --ns "$pa" --all-namespaces
expect "-i everywhere" 1 "ipcs: --all-namespaces cannot be used with -i: an id names an object of one namespace (use --ns)
Try 'ipcs --help' for more information." "$new/ipcs" --all-namespaces -m -i 0
refusal="ipcrm: --all-namespaces removes only with -a and a selection (--filter or a shorthand), and no ids, keys or names
Try 'ipcrm --help' for more information."
expect "swipcrm everywhere, no selection" 1 "$refusal" "$new/ipcrm" --all-namespaces -a
expect "swipcrm everywhere, no -a" 1 "ipcrm: --filter narrows what -a, -m/-q/-s or -M/-Q/-S name, and none was given: nothing to select from
Try 'ipcrm --help' for more information." "$new/ipcrm" --all-namespaces --filter 'ID >= 0'
expect "swipcrm everywhere, an id" 1 "$refusal" "$new/ipcrm" --all-namespaces -a -m 0 --filter 'ID >= 0'
expect "swipcrm everywhere, --json" 1 "ipcrm: --all-namespaces does not write a --json report
Try 'ipcrm --help' for more information." "$new/ipcrm" --all-namespaces -a --json --filter 'ID >= 0'

# Privilege: uid 65534 can open neither root's namespaces nor enter its own other one; nothing is printed or done.
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
for tool in ipcs ipcrm; do
  extra=()
  [[ $tool == ipcrm ]] && extra=(-a)
  expect "$tool as 65534 on root's" 1 "$tool: cannot open /proc/$pa/ns/ipc: Permission denied (entering another process's IPC namespace needs CAP_SYS_ADMIN over it)" \
    "${nobody[@]}" "$new/$tool" --ns "$pa" "${extra[@]}"
  expect "$tool as 65534 on its own" 1 "$tool: cannot enter IPC namespace $(inode "$pn") of pid $pn: Operation not permitted (needs CAP_SYS_ADMIN over its user namespace)" \
    "${nobody[@]}" "$new/$tool" --ns "$pn" "${extra[@]}"
done
"${nobody[@]}" nsenter --ipc -t "$pa" /usr/bin/ipcs > /dev/null 2>&1 && fail "nsenter as 65534 entered root's namespace"
# Its own namespace needs no privilege.
same "ipcs as 65534 --ns own" "${nobody[@]}" "$new/ipcs" --ns /proc/self/ns/ipc -- "${nobody[@]}" /usr/bin/ipcs

# The lists of every namespace, before any removal.
snapshot() { for pid in 1 "$pa" "$pb" "$pc" "$pn"; do echo "== $pid"; nsenter --ipc -t "$pid" /usr/bin/ipcs; done; }
snapshot > "$work/before"

# Removals with --ns, each in two fresh namespaces filled alike: nsenter + ipcrm in one, swipcrm --ns in the other.
# (`-a sem` and `--dry-run` are swipcrm's own, README: ipcrm reads `-a sem` as `-a` and has no dry run; these
# compare with swipcrm itself run by nsenter.)
index=0
for mode in "-a" "-v --all=sem" "-m 0 -q 0 -s 0" "-q 999 -M 0x1" "shm 0 1" "sem 0" "=-v -a sem" "=-n -a" "=--dry-run -v -a shm"; do
  index=$((index + 1))
  reference=/usr/bin/ipcrm
  if [[ $mode == =* ]]; then
    mode=${mode#=} reference=$new/ipcrm
  fi
  hold "r$index" "$fixture" --seed 9 --count 5 -- sh -c "$block" "$work/r$index"
  ref=$held
  hold "s$index" "$fixture" --seed 9 --count 5 -- sh -c "$block" "$work/s$index"
  ours=$held
  same "ipcs before '$mode'" nsenter --ipc -t "$ref" /usr/bin/ipcs -- nsenter --ipc -t "$ours" /usr/bin/ipcs
  nsenter --ipc -t "$ours" /usr/bin/ipcs > "$work/ours.before"
  # shellcheck disable=SC2086
  same "ipcrm --ns $mode" "$new/ipcrm" --ns "$ours" $mode -- nsenter --ipc -t "$ref" "$reference" $mode
  same "objects left after '$mode'" nsenter --ipc -t "$ref" /usr/bin/ipcs -- nsenter --ipc -t "$ours" /usr/bin/ipcs
  if [[ $mode == *-n* || $mode == *--dry-run* ]]; then
    nsenter --ipc -t "$ours" /usr/bin/ipcs | cmp -s - "$work/ours.before" || fail "'$mode' removed something"
  fi
done
# The old form with --ns=PID.
hold r0 "$fixture" --seed 9 --count 5 -- sh -c "$block" "$work/r0"
ref=$held
hold s0 "$fixture" --seed 9 --count 5 -- sh -c "$block" "$work/s0"
ours=$held
same "ipcrm --ns= shm 0" "$new/ipcrm" "--ns=$ours" shm 0 -- nsenter --ipc -t "$ref" /usr/bin/ipcrm shm 0
same "objects left after old form" nsenter --ipc -t "$ref" /usr/bin/ipcs -- nsenter --ipc -t "$ours" /usr/bin/ipcs
# Refused removals removed nothing; no removal reached another namespace.
snapshot > "$work/after"
cmp -s "$work/before" "$work/after" || fail "other namespaces changed: $(diff "$work/before" "$work/after" | head -5)"

# swipcrm --all-namespaces -a shm --filter: in two fresh namespaces filled alike, the one segment of that key goes
# (first only shown by -n); every other object of every namespace stays.
hold x1 "$fixture" --seed 31 --count 5 -- sh -c "$block" "$work/x1"
x1=$held
hold x2 "$fixture" --seed 31 --count 5 -- sh -c "$block" "$work/x2"
x2=$held
key=$(nsenter --ipc -t "$x1" /usr/bin/ipcs -m | awk '$1 ~ /^0x/ && $1 != "0x00000000" { print $1; exit }')
[[ -n $key ]] || fail "no segment with a key in the fixture"
everything() { for p in /proc/[0-9]*; do stat -L -c %i "$p/ns/ipc" 2> /dev/null; done | sort -u | while read -r ns; do
  pid=$(for p in /proc/[0-9]*; do [[ $(stat -L -c %i "$p/ns/ipc" 2> /dev/null) == "$ns" ]] && { echo "${p#/proc/}"; break; }; done)
  echo "== $ns"; nsenter --ipc -t "$pid" /usr/bin/ipcs; done; }
everything > "$work/every.before"
"$new/ipcrm" --all-namespaces -n -a shm --filter "KEY == $key" > "$work/dry.out" 2> "$work/dry.err" || fail "dry run everywhere: $(cat "$work/dry.err")"
everything | cmp -s - "$work/every.before" || fail "the dry run everywhere removed something"
[[ $(grep -c "^would remove shared memory segment [0-9]* (key $key, owner root)$" "$work/dry.out") == 2 ]] ||
  fail "dry run everywhere said: $(cat "$work/dry.out")"
[[ $(grep -c '^==== IPC namespace ' "$work/dry.out") == "$(for p in /proc/[0-9]*; do stat -L -c %i "$p/ns/ipc" 2> /dev/null; done | sort -u | wc -l)" ]] ||
  fail "dry run everywhere: not one header per namespace"
"$new/ipcrm" --all-namespaces -a shm --filter "KEY == $key" > /dev/null 2> "$work/rm.err" || fail "removal everywhere: $(cat "$work/rm.err")"
for pid in "$x1" "$x2"; do
  [[ -z $(nsenter --ipc -t "$pid" /usr/bin/ipcs -m | awk -v k="$key" '$1 == k') ]] || fail "segment $key left in the namespace of $pid"
done
everything > "$work/every.after"
# The two segments are attached (by the fixture), so the kernel marks them dest with key 0 until detached.
changes=$(diff "$work/every.before" "$work/every.after" | grep '^[<>]')
[[ $(grep -c '^<' <<< "$changes") == 2 && $(grep -c "^< $key " <<< "$changes") == 2 &&
  $(grep '^>' <<< "$changes" | grep -vc '^> 0x00000000 .* dest *$') == 0 ]] ||
  fail "removal everywhere changed more than the two segments: $(tr '\n' '|' <<< "$changes")"

# --all-namespaces: each namespace once, under its header, with exactly what nsenter + ipcs shows there.
for mode in "" "-m" "-l" "-u" "-q -c"; do
  # shellcheck disable=SC2086
  "$new/ipcs" --all-namespaces $mode > "$work/all.out" 2> "$work/all.err"
  rc=$?
  [[ $rc == 0 ]] || fail "--all-namespaces $mode: exit status $rc: $(cat "$work/all.err")"
  [[ ! -s $work/all.err ]] || fail "--all-namespaces $mode: said $(cat "$work/all.err")"
  distinct=$(for p in /proc/[0-9]*; do stat -L -c %i "$p/ns/ipc" 2> /dev/null; done | sort -u | wc -l)
  headers=$(grep -c '^==== IPC namespace ' "$work/all.out")
  [[ $headers == "$distinct" ]] || fail "--all-namespaces $mode: $headers headers for $distinct namespaces"
  for pid in 1 "$pa" "$pb" "$pc" "$pn"; do
    id=$(inode "$pid")
    [[ $(grep -c "^==== IPC namespace $id " "$work/all.out") == 1 ]] || fail "--all-namespaces $mode: namespace $id of $pid not once"
    awk -v id="$id" '/^==== IPC namespace / { on = ($4 == id); next } on' "$work/all.out" > "$work/block"
    # shellcheck disable=SC2086
    nsenter --ipc -t "$pid" /usr/bin/ipcs $mode > "$work/expected"
    cmp -s "$work/block" "$work/expected" || fail "--all-namespaces $mode: block of $pid: $(diff "$work/expected" "$work/block" | head -5)"
  done
done
"$new/ipcs" --all-namespaces -q > "$work/all.out"
grep -qx "==== IPC namespace $(inode "$pa") (pid $pa sh, 1 process) ====" "$work/all.out" || fail "header of $pa: $(grep "$(inode "$pa")" "$work/all.out")"
grep -qx "==== IPC namespace $(inode 1) (pid 1 bash, [0-9]* processes) ====" "$work/all.out" || fail "header of pid 1: $(grep "$(inode 1)" "$work/all.out")"
# uid 65534 cannot read root's processes' namespaces: it lists its own, reports the rest, exits 1.
"${nobody[@]}" "$new/ipcs" --all-namespaces -q > "$work/all.out" 2> "$work/all.err"
rc=$?
[[ $rc == 1 ]] || fail "--all-namespaces as 65534: exit status $rc"
grep -q "^ipcs: the IPC namespaces of [0-9]* processes could not be read: Permission denied$" "$work/all.err" || fail "--all-namespaces as 65534 said $(cat "$work/all.err")"
grep -q "^ipcs: cannot enter IPC namespace $(inode "$pn") of pid $pn: Operation not permitted" "$work/all.err" || fail "--all-namespaces as 65534 did not report $pn"
[[ $(grep -c '^==== IPC namespace ' "$work/all.out") == 1 ]] || fail "--all-namespaces as 65534 listed $(grep '^====' "$work/all.out")"

# With the column views, the JSON of every namespace, the metrics and the POSIX kinds (merged from main).
scripts=$(dirname "$0")
schema=$scripts/../../../docs/swipcs.schema.json
# A /dev/shm of this script's own mount namespace: nothing below sees or changes the machine's.
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
touch /dev/shm/outside
all_pids=(1 "$pa" "$pb" "$pc" "$pn")
for pid in "$pa" "$pb" "$pc" "$pn"; do
  for mode in "-o NS,KEY,ID,SIZE -m --raw --bytes" "--json -o +NS" "-g --export -o NS,RESOURCE,LIMIT,USED" "-q -o NS,ID,MSGS --noheadings"; do
    # shellcheck disable=SC2086
    same "swipcs --ns $pid $mode" "$swipcs" --ns "$pid" $mode -- nsenter --ipc -t "$pid" "$swipcs" $mode
  done
  [[ $("$swipcs" --ns "$pid" -g -o NS --raw --noheadings | sort -u) == "$(inode "$pid")" ]] || fail "NS of $pid"
done
"$swipcs" --all-namespaces --json > "$work/ns.json" 2> "$work/ns.err" || fail "--all-namespaces --json: $(cat "$work/ns.err")"
/usr/bin/python3 "$scripts/check-json.py" "$schema" "$work/ns.json" | sed 's/^/FAIL: --all-namespaces --json: /'
distinct=$(for p in /proc/[0-9]*; do stat -L -c %i "$p/ns/ipc" 2> /dev/null; done | sort -u | wc -l)
for pid in "${all_pids[@]}"; do
  nsenter --ipc -t "$pid" "$swipcs" --json > "$work/one.json"
  /usr/bin/python3 "$scripts/check-namespaces-json.py" "$work/ns.json" "$work/one.json" "$(inode "$pid")" "$pid" "$distinct" |
    sed "s/^/FAIL: --all-namespaces --json of $pid: /"
done
"$swipcs" --all-namespaces -m --raw --noheadings -o ID,SIZE --bytes > "$work/all.raw"
"$swipcs" --all-namespaces -o ID > "$work/all.table"
[[ $(grep -c '^==== IPC namespace ' "$work/all.table") == "$distinct" ]] || fail "--all-namespaces -o: headers"
for pid in "${all_pids[@]}"; do
  id=$(inode "$pid")
  grep "^$id " "$work/all.raw" | cut -d' ' -f2- > "$work/block"
  nsenter --ipc -t "$pid" "$swipcs" -m --raw --noheadings -o ID,SIZE --bytes | cmp -s - "$work/block" || fail "--all-namespaces --raw: rows of $pid"
done
# Metrics: every series labelled with its namespace; promtool passes; the counts are ipcs's.
check_metrics() { # LABEL FILE
  if [[ -x /usr/bin/promtool ]]; then
    out=$(/usr/bin/promtool check metrics < "$2" 2>&1) || fail "$1: promtool: $out"
    [[ -z $out ]] || fail "$1: promtool said $out"
  fi
}
"$swipcs" --ns "$pa" --prometheus=objects > "$work/pa.prom"
check_metrics "--ns --prometheus" "$work/pa.prom"
grep -v '^#' "$work/pa.prom" | grep -Ev "\\{ns=\"$(inode "$pa")\"[,}]" | head -3 | sed 's/^/FAIL: --ns --prometheus without ns: /'
"$swipcs" --all-namespaces --prometheus=objects > "$work/all.prom"
check_metrics "--all-namespaces --prometheus" "$work/all.prom"
[[ $(grep -c '^# TYPE ipc_objects gauge$' "$work/all.prom") == 1 ]] || fail "--all-namespaces --prometheus: ipc_objects written more than once"
for pid in "${all_pids[@]}"; do
  id=$(inode "$pid")
  for kind in shm msg sem; do
    case $kind in shm) option=-m ;; msg) option=-q ;; sem) option=-s ;; esac
    count=$(nsenter --ipc -t "$pid" /usr/bin/ipcs $option | grep -c '^0x')
    grep -qx "ipc_objects{ns=\"$id\",kind=\"$kind\"} $count" "$work/all.prom" || fail "ipc_objects of $pid $kind: $(grep "ns=\"$id\",kind=\"$kind\"" "$work/all.prom" | head -1), not $count"
  done
done
"$swipcs" --all-namespaces --textfile "$work/all.textfile.prom" || fail "--all-namespaces --textfile"
"$swipcs" --all-namespaces --prometheus | cmp -s - "$work/all.textfile.prom" || fail "--all-namespaces --textfile differs from --prometheus"

# POSIX: queues follow the IPC namespace, /dev/shm the mount namespace of the process named.
mkdir "$work/mq"
hold p unshare --ipc --mount --propagation private sh -c "mount -t tmpfs tmpfs /dev/shm && echo data > /dev/shm/inside && head -c 32 /dev/zero > /dev/shm/sem.gate && mount -t mqueue none '$work/mq' && touch '$work/mq/inq' && $block" "$work/p"
pp=$held
for mode in --posix-shmems --posix-semaphores --posix-mqueues "--posix-shmems --posix-mqueues -b"; do
  # shellcheck disable=SC2086
  same "swipcs --ns $pp $mode" "$swipcs" --ns "$pp" $mode -- nsenter --ipc --mount -t "$pp" "$swipcs" $mode
done
"$swipcs" --ns "$pp" --posix-shmems > "$work/p.out"
grep -q '^inside ' "$work/p.out" && ! grep -q outside "$work/p.out" || fail "--ns --posix-shmems read $(cat "$work/p.out")"
"$swipcs" --ns "$pp" --posix-mqueues | grep -q '^/inq ' || fail "--ns --posix-mqueues: no /inq"
"$swipcs" --posix-mqueues 2> /dev/null | grep -q '/inq' && fail "the script's own namespace shows /inq"
same "swipcs --ns PATH --posix-mqueues" "$swipcs" --ns "/proc/$pp/ns/ipc" --posix-mqueues -- nsenter --ipc -t "$pp" "$swipcs" --posix-mqueues
"$swipcs" --all-namespaces --posix-shmems > "$work/all.posix"
awk -v id="$(inode "$pp")" '/^==== IPC namespace / { on = ($4 == id); next } on' "$work/all.posix" > "$work/block"
nsenter --ipc --mount -t "$pp" "$swipcs" --posix-shmems -o NS,NAME,PERMS,OWNER,SIZE,MTIME | cmp -s - "$work/block" || fail "--all-namespaces --posix-shmems: block of $pp: $(cat "$work/block")"
# Several IPC namespaces here share the script's /dev/shm: its objects are shown, counted and removed once.
"$swipcs" --all-namespaces --posix-shmems -o NAME --raw --noheadings > "$work/all.names" 2> "$work/all.names.err"
# (NS comes first in every row under --all-namespaces.)
[[ $(grep -c ' outside$' "$work/all.names") == 1 && $(grep -c ' inside$' "$work/all.names") == 1 ]] || fail "--all-namespaces --posix-shmems: each /dev/shm once: $(sort "$work/all.names" | uniq -c | tr '\n' ' ')"
grep -q "its /dev/shm is the one shown for IPC namespace" "$work/all.names.err" || fail "--all-namespaces: no word of the shared /dev/shm: $(cat "$work/all.names.err")"
"$swipcs" --all-namespaces --prometheus --posix-shmems 2> /dev/null | awk -F' ' '/^ipc_objects\{.*kind="pshm"\}/ { n += $2 } END { exit n != 2 }' || fail "--all-namespaces --prometheus counted a shared /dev/shm more than once"
"$swipcrm" --all-namespaces -n -a pshm --filter 'NAME == "outside"' 2> /dev/null | grep -c "would remove" | grep -qx 1 || fail "swipcrm --all-namespaces -n: a shared /dev/shm predicted more than once"
shm_refusal="POSIX shared memory and semaphores cannot be reached with --ns '/proc/$pp/ns/ipc': they live in /dev/shm, which belongs to a mount namespace, and an IPC namespace file names no process whose mount namespace to read (use --ns PID)"
expect "--ns PATH --posix-shmems" 1 "ipcs: $shm_refusal" "$new/ipcs" --ns "/proc/$pp/ns/ipc" --posix-shmems
expect "swipcrm --ns PATH --posix-shmem" 1 "ipcrm: $shm_refusal" "$new/ipcrm" --ns "/proc/$pp/ns/ipc" --posix-shmem inside
expect "swipcrm --ns PATH -a psem" 1 "ipcrm: $shm_refusal" "$new/ipcrm" --ns "/proc/$pp/ns/ipc" -a psem
"$swipcrm" --ns "$pp" --posix-shmem inside --posix-mqueue /inq || fail "swipcrm --ns --posix-*"
nsenter --mount -t "$pp" test -e /dev/shm/inside && fail "swipcrm --ns --posix-shmem left /dev/shm/inside"
nsenter --mount -t "$pp" test -e "$work/mq/inq" && fail "swipcrm --ns --posix-mqueue left /inq"
nsenter --mount -t "$pp" test -e /dev/shm/sem.gate || fail "swipcrm --ns removed sem.gate"
[[ -e /dev/shm/outside ]] || fail "swipcrm --ns removed the script's own /dev/shm/outside"

# A process in another root whose /dev is an absolute symlink: inside its root that is its own directory; resolved
# from the host (plain open of /proc/PID/root/dev/shm) it would be the host's directory of the same path.
croot=$work/croot
mkdir -p "$croot$work/inner/shm" "$work/inner/shm"
ln -s "$work/inner" "$croot/dev"
echo container > "$croot$work/inner/shm/legit"
echo host > "$work/inner/shm/victim"
hold chrooted unshare --ipc python3 -c '
import os, sys
base, root = sys.argv[1], sys.argv[2]
release = os.open(base + ".release", os.O_RDWR)
ready = open(base + ".ready", "w")
os.chroot(root)
ready.write("%d\n" % os.getpid()); ready.close()
os.read(release, 1)' "$work/chrooted" "$croot"
cp=$held
chrooted=$!
"$swipcs" --ns "$cp" --posix-shmems -o NAME --noheadings > "$work/c.out" 2>&1
[[ $(cat "$work/c.out") == legit ]] || fail "--ns of a process with a symlinked /dev listed: $(cat "$work/c.out")"
"$swipcrm" --ns "$cp" --posix-shmem victim 2> "$work/c.err" && fail "swipcrm --ns removed victim through the symlinked /dev"
[[ -e $work/inner/shm/victim ]] || fail "swipcrm --ns removed the host's $work/inner/shm/victim"
"$swipcrm" --ns "$cp" --posix-shmem legit || fail "swipcrm --ns --posix-shmem legit: $(cat "$work/c.err")"
[[ -e $croot$work/inner/shm/legit ]] && fail "swipcrm --ns left the container's legit"

# A mount namespace of another user namespace: its users decide what /dev/shm is there (here a bind mount of a
# directory of the caller's), so nothing is removed from it; listing it is allowed.
mkdir -p "$work/bound"
echo keep > "$work/bound/precious"
hold usermnt unshare --user --map-root-user --ipc --mount --propagation private sh -c "mount --bind '$work/bound' /dev/shm && $block" "$work/usermnt"
up=$held
usermnt=$!
"$swipcs" --ns "$up" --posix-shmems -o NAME --noheadings | grep -qx precious || fail "--ns of a user namespace's mount namespace: no listing"
"$swipcrm" --ns "$up" --posix-shmem precious 2> "$work/u.err" && fail "swipcrm --ns removed from another user namespace's /dev/shm"
grep -q "not removed through process $up: its mount namespace belongs to another user namespace" "$work/u.err" || fail "swipcrm --ns refusal: $(cat "$work/u.err")"
"$swipcrm" --all-namespaces -a pshm --filter 'NAME == "precious"' > /dev/null 2> "$work/u.err" && fail "swipcrm --all-namespaces: status 0 with a refused /dev/shm"
grep -q "not removed through process $up" "$work/u.err" || fail "swipcrm --all-namespaces refusal: $(cat "$work/u.err")"
[[ -e $work/bound/precious ]] || fail "swipcrm removed $work/bound/precious through another user namespace's bind mount"
exec 4<> "$work/usermnt.release"; echo >&4; exec 4>&-
wait "$usermnt"
# Gone before the completion check below, which lists the processes of other IPC namespaces.
exec 4<> "$work/chrooted.release"; echo >&4; exec 4>&-
wait "$chrooted"

# What --ns completes: the pids of the processes in other IPC namespaces than the shell's.
echo "##expected"
own=$(inode $$)
for p in /proc/[0-9]*; do
  id=$(stat -L -c %i "$p/ns/ipc" 2> /dev/null) || continue
  [[ $id != "$own" ]] && echo "${p#/proc/}"
done
echo "##completion"
