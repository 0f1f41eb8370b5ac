#!/bin/bash
# The process columns and --processes on real processes, staged case by case.
#
#   processes.sh SWIPCS HOLDER WORK
#
# Run as root inside fresh private IPC, pid and mount namespaces (unshare --ipc --pid --fork --mount-proc): this
# shell is pid 1 of the namespace, every process it starts is stopped by pid at the end (and the namespace dies
# with it). Prints "ok NAME" or "FAIL NAME: ..." per check, as root and as uid 65534 ("nobody"), then "done".
# No sleep synchronises anything: holders report each step on a fifo and wait for EOF on another; a blocked waiter
# is reported once the kernel counts it as waiting. The one wait on the clock (the pid-reuse case) waits for an
# absolute time, because the reuse rule's resolution is the second.
set -u
S=$1 H=$2 W=$3 R=$4
cd "$W" || exit 2
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
started=()

check() {
  if [ "$2" = "$3" ]; then echo "ok $1"; else echo "FAIL $1: expected [$2], got [$3]"; fi
}

# start NAME USER STEP...: a holder whose lines come on fd r_NAME and that ends when w_NAME is closed.
start() {
  local name=$1 user=$2 w r
  shift 2
  mkfifo "$W/$name.in" "$W/$name.out"
  if [ "$user" = root ]; then
    "$H" "$@" < "$W/$name.in" > "$W/$name.out" &
  else
    $NOBODY "$H" "$@" < "$W/$name.in" > "$W/$name.out" &
  fi
  eval "pid_$name=$!"
  started+=("$!")
  exec {w}> "$W/$name.in" {r}< "$W/$name.out"
  eval "w_$name=$w r_$name=$r"
}

# next NAME: the holder's next line, in $LINE (its last word in $LAST).
next() {
  local fd
  eval "fd=\$r_$1"
  read -r -u "$fd" LINE || LINE="<eof>"
  LAST=${LINE##* }
}

stop() {
  local w pid
  eval "w=\$w_$1 pid=\$pid_$1"
  exec {w}>&-
  wait "$pid"
}

as() {
  if [ "$1" = root ]; then
    shift
    "$@"
  else
    shift
    $NOBODY "$@"
  fi
}

# get USER KIND ID COLUMN: the JSON value of COLUMN for object ID.
get() {
  as "$1" "$S" "$2" --json -o "ID,$4" | jq -c --argjson id "$3" --arg c "${4,,}" 'first(.[][] | select(.id == $id)) | .[$c]'
}

ctime() { awk -v id="$1" '$2 == id { print $14 }' /proc/sysvipc/shm; }

# --- shared memory ---
# a: attached and held by a live creator.
start a root shm 0x1001 attach - hold
next a; id_a=$LAST; next a; next a
cmd_a="$H shm 0x1001 attach - hold"
# b: attached, then removed while attached (dest).
start b root shm 0x1002 attach - rm-shm - hold
next b; id_b=$LAST; next b; next b; next b
# c: attached, a child inherits the attachment, the parent detaches.
start c root shm 0x1003 attach - child detach hold
next c; id_c=$LAST; next c; next c; child_c=$LAST; next c; next c
started+=("$child_c")
# d: the creator made it and exited.
"$H" pid shm 0x1004 > d.txt
creator_d=$(awk '$1 == "pid" { print $2 }' d.txt)
id_d=$(awk '$1 == "shm" { print $2 }' d.txt)
# e: the creator exited and its pid went to a newer process (ns_last_pid), started after the segment's CTIME + 1 s.
"$H" pid shm 0x1005 > e.txt
creator_e=$(awk '$1 == "pid" { print $2 }' e.txt)
id_e=$(awk '$1 == "shm" { print $2 }' e.txt)
mkfifo "$W/e.in" "$W/e.out"
"$H" until $(($(ctime "$id_e") + 2)) > /dev/null
# Nothing may fork between these two lines: the next fork gets $creator_e.
echo $((creator_e - 1)) > /proc/sys/kernel/ns_last_pid
"$H" pid hold < "$W/e.in" > "$W/e.out" &
pid_e=$!
started+=("$pid_e")
exec {w_e}> "$W/e.in" {r_e}< "$W/e.out"
next e; next e
check "reuse: the newer process has the creator's pid" "$creator_e" "$pid_e"
# h: attached by a process of uid 65534.
start h nobody shm 0x1008 attach - hold
next h; id_h=$LAST; next h; next h

# --- message queues ---
"$H" msg 0x2001 send - > q1.txt
id_q1=$(awk '$1 == "msg" { print $2 }' q1.txt)
"$H" recv "$id_q1" > /dev/null
"$H" msg 0x2002 send - > q2.txt
id_q2=$(awk '$1 == "msg" { print $2 }' q2.txt)
"$H" msg 0x2003 > q3.txt
id_q3=$(awk '$1 == "msg" { print $2 }' q3.txt)
"$H" msg 0x2004 > q4.txt
id_q4=$(awk '$1 == "msg" { print $2 }' q4.txt)
start q4 root block-recv "$id_q4" hold
next q4; waiter_q4=$LAST; next q4
started+=("$waiter_q4")
start q5 root msg 0x2005 send - recv - hold
next q5; id_q5=$LAST; next q5; next q5; next q5

# --- semaphore sets ---
"$H" sem 0x3001 1 setval - 0 1 > s1.txt
id_s1=$(awk '$1 == "sem" { print $2 }' s1.txt)
"$H" sem 0x3002 1 setval - 0 0 > s2.txt
id_s2=$(awk '$1 == "sem" { print $2 }' s2.txt)
start s2 root block "$id_s2" 0 hold
next s2; waiter_s2=$LAST; next s2
started+=("$waiter_s2")
"$H" sem 0x3003 2 setval - 0 1 > s3.txt
id_s3=$(awk '$1 == "sem" { print $2 }' s3.txt)
start s4 root sem 0x3004 1 setval - 0 1 hold
next s4; id_s4=$LAST; next s4; next s4

for user in root nobody; do
  p="$user:"
  # a: attached. An unprivileged reader cannot read root's maps: no attacher, and it says it is incomplete.
  if [ $user = root ]; then
    check "$p a attached" "[{\"pid\":$pid_a,\"command\":\"$cmd_a\"}]" "$(get $user -m "$id_a" ATTACHED)"
    check "$p a complete" true "$(get $user -m "$id_a" ATTACHED-COMPLETE)"
  else
    check "$p a attached" "[]" "$(get $user -m "$id_a" ATTACHED)"
    check "$p a complete" false "$(get $user -m "$id_a" ATTACHED-COMPLETE)"
  fi
  check "$p a cpid-alive" true "$(get $user -m "$id_a" CPID-ALIVE)"
  check "$p a lpid-alive" true "$(get $user -m "$id_a" LPID-ALIVE)"
  check "$p a command" "\"$cmd_a\"" "$(get $user -m "$id_a" COMMAND)"
  check "$p a orphaned" false "$(get $user -m "$id_a" ORPHANED)"
  # b: removed while attached.
  check "$p b status" '"dest"' "$(get $user -m "$id_b" STATUS)"
  if [ $user = root ]; then
    check "$p b attached" "[$pid_b]" "$(get $user -m "$id_b" ATTACHED | jq -c 'map(.pid)')"
  fi
  check "$p b orphaned" false "$(get $user -m "$id_b" ORPHANED)"
  # c: only the child has it attached now.
  if [ $user = root ]; then
    check "$p c attached" "[$child_c]" "$(get $user -m "$id_c" ATTACHED | jq -c 'map(.pid)')"
    check "$p c complete" true "$(get $user -m "$id_c" ATTACHED-COMPLETE)"
  fi
  check "$p c cpid-alive" true "$(get $user -m "$id_c" CPID-ALIVE)"
  # d: creator exited, never attached.
  check "$p d cpid-alive" false "$(get $user -m "$id_d" CPID-ALIVE)"
  check "$p d lpid-alive (never attached)" null "$(get $user -m "$id_d" LPID-ALIVE)"
  check "$p d command" null "$(get $user -m "$id_d" COMMAND)"
  check "$p d attached" "[]" "$(get $user -m "$id_d" ATTACHED)"
  check "$p d complete (nattch 0)" true "$(get $user -m "$id_d" ATTACHED-COMPLETE)"
  check "$p d orphaned" true "$(get $user -m "$id_d" ORPHANED)"
  # e: the creator's pid is alive, but it is a newer process.
  check "$p e cpid is the reused pid" "$creator_e" "$(get $user -m "$id_e" CPID)"
  check "$p e cpid-alive" false "$(get $user -m "$id_e" CPID-ALIVE)"
  check "$p e command" null "$(get $user -m "$id_e" COMMAND)"
  check "$p e orphaned" true "$(get $user -m "$id_e" ORPHANED)"
  # h: a reader sees its own user's processes.
  check "$p h attached" "[$pid_h]" "$(get $user -m "$id_h" ATTACHED | jq -c 'map(.pid)')"
  check "$p h complete" true "$(get $user -m "$id_h" ATTACHED-COMPLETE)"
  # Queues. Blocked waiters are read from /proc/PID/task/TID/syscall, which only root may read here: the
  # unprivileged reader never calls a queue orphaned.
  check "$p q1 lspid-alive" false "$(get $user -q "$id_q1" LSPID-ALIVE)"
  check "$p q1 lrpid-alive" false "$(get $user -q "$id_q1" LRPID-ALIVE)"
  check "$p q2 lrpid-alive (never)" null "$(get $user -q "$id_q2" LRPID-ALIVE)"
  check "$p q2 orphaned (a message queued)" false "$(get $user -q "$id_q2" ORPHANED)"
  check "$p q4 orphaned (a receiver waits)" false "$(get $user -q "$id_q4" ORPHANED)"
  check "$p q5 lspid-alive" true "$(get $user -q "$id_q5" LSPID-ALIVE)"
  check "$p q5 orphaned" false "$(get $user -q "$id_q5" ORPHANED)"
  if [ $user = root ]; then
    check "$p q1 orphaned" true "$(get $user -q "$id_q1" ORPHANED)"
    check "$p q3 orphaned (never used)" true "$(get $user -q "$id_q3" ORPHANED)"
  else
    check "$p q1 orphaned (waiters unreadable)" false "$(get $user -q "$id_q1" ORPHANED)"
  fi
  # Sets: semncnt/semzcnt and sempid through semctl (mode 0666: readable by both).
  check "$p s1 orphaned" true "$(get $user -s "$id_s1" ORPHANED)"
  check "$p s2 orphaned (a process waits)" false "$(get $user -s "$id_s2" ORPHANED)"
  check "$p s3 orphaned (a sempid 0, pid namespace not the initial one)" false "$(get $user -s "$id_s3" ORPHANED)"
  check "$p s4 orphaned (operator alive)" false "$(get $user -s "$id_s4" ORPHANED)"
done

# Exactly the orphans, as root.
check "root: the orphans" "$(printf '%s\n' "m$id_d" "m$id_e" "q$id_q1" "q$id_q3" "s$id_s1" | sort | tr '\n' ' ')" \
  "$("$S" --json -o ID,KIND,ORPHANED | jq -r '.[][] | select(.orphaned) | {shm: "m", msg: "q", sem: "s"}[.kind] + (.id | tostring)' \
    | sort | tr '\n' ' ')"
# lsipc shows the command line of whatever process has the creator's pid now (README).
check "lsipc: the reused pid's command" "$H pid hold" "$(lsipc -m --raw --noheadings -o ID,COMMAND | awk -v id="$id_e" '$1 == id { sub(/^[^ ]* /, ""); gsub(/\\x20/, " "); print }')"

# From a nested pid namespace (same IPC namespace) the creators' and attachers' pids are not visible: 0, unknown.
nested=$(unshare --pid --fork --mount-proc "$S" -m --json -o ID,CPID,CPID-ALIVE,ATTACHED,ATTACHED-COMPLETE,ORPHANED)
for id in "$id_a" "$id_d"; do
  check "nested $id cpid" null "$(jq -c --argjson id "$id" '.sharedmemory[] | select(.id == $id) | .cpid' <<< "$nested")"
  check "nested $id cpid-alive" null \
    "$(jq -c --argjson id "$id" '.sharedmemory[] | select(.id == $id) | ."cpid-alive"' <<< "$nested")"
  check "nested $id orphaned" false \
    "$(jq -c --argjson id "$id" '.sharedmemory[] | select(.id == $id) | .orphaned' <<< "$nested")"
done
check "nested a attached" "[]" "$(jq -c --argjson id "$id_a" '.sharedmemory[] | select(.id == $id) | .attached' <<< "$nested")"
check "nested a complete" false \
  "$(jq -c --argjson id "$id_a" '.sharedmemory[] | select(.id == $id) | ."attached-complete"' <<< "$nested")"

# The selection shorthands on the process columns (issue 13 with issue 14): --dead-creator is CPID-ALIVE false
# (d exited, e's pid reused; a's creator is alive), --orphaned is ORPHANED true, in swipcs and in swipcrm's dry run.
dead=$("$S" -m --dead-creator -o ID --raw --noheadings | sort -n | tr '\n' ' ')
check "--dead-creator is CPID-ALIVE == false" \
  "$("$S" -m --json -o ID,CPID-ALIVE | jq -r '.sharedmemory[] | select(."cpid-alive" == false) | .id' | sort -n | tr '\n' ' ')" "$dead"
check "--dead-creator takes d and e, not a" "yes yes no" \
  "$(for id in "$id_d" "$id_e" "$id_a"; do [[ " $dead" == *" $id "* ]] && echo -n "yes " || echo -n "no "; done | sed 's/ $//')"
check "--orphaned: the orphans" "$(printf '%s\n' "m$id_d" "m$id_e" "q$id_q1" "q$id_q3" "s$id_s1" | sort | tr '\n' ' ')" \
  "$("$S" --orphaned --json -o ID,KIND | jq -r '.[][] | {shm: "m", msg: "q", sem: "s"}[.kind] + (.id | tostring)' | sort | tr '\n' ' ')"
check "swipcrm -n --orphaned: the orphans" "$(printf '%s\n' "m$id_d" "m$id_e" "q$id_q1" "q$id_q3" "s$id_s1" | sort | tr '\n' ' ')" \
  "$("$R" -n -a --orphaned | awk '{ for (i = 1; i <= NF; i++) if ($i == "(key") print ($(i - 2) == "segment" ? "m" : $(i - 2) == "queue" ? "q" : "s") $(i - 1) }' | sort | tr '\n' ' ')"

# The metrics count the same orphans (issue 17's orphan family), and --filter narrows them too.
for kind in shm msg sem; do
  check "metrics: orphaned $kind" \
    "$("$S" --json -o ID,KIND,ORPHANED | jq --arg k "$kind" '[.[][] | select(.kind == $k and .orphaned)] | length')" \
    "$("$S" --prometheus=orphans | awk -v k="ipc_orphaned_objects{kind=\"$kind\"}" '$1 == k { print $2 }')"
done
check "metrics: no orphan family unless asked" 0 "$("$S" --prometheus=objects | grep -c ipc_orphaned_objects)"
check "metrics: orphaned shm with --dead-creator" 2 \
  "$("$S" --prometheus=objects,orphans --dead-creator | awk '$1 == "ipc_orphaned_objects{kind=\"shm\"}" { print $2 }')"

# --processes: who holds what.
check "processes -m -i a" "$pid_a root attached,creator,last" \
  "$("$S" --processes -m -i "$id_a" --raw --noheadings | awk '{ print $4, $5, $6 }')"
check "processes -m -i c" "$pid_c creator,last;$child_c attached" \
  "$("$S" --processes -m -i "$id_c" --json | jq -r '[.processes[] | "\(.pid) \(.role)"] | join(";")')"
check "processes -m -i h user" nobody "$("$S" --processes -m -i "$id_h" --json | jq -r '.processes[0].user')"
check "processes -q" "$id_q5 $pid_q5 last" \
  "$("$S" --processes -q --raw --noheadings | awk '{ print $2, $4, $6 }' | tr '\n' ' ' | sed 's/ $//')"
check "processes -s" "$id_s4 $pid_s4 last" \
  "$("$S" --processes -s --raw --noheadings | awk '{ print $2, $4, $6 }' | tr '\n' ' ' | sed 's/ $//')"
check "processes as nobody (incomplete)" "1" \
  "$($NOBODY "$S" --processes -m -i "$id_a" 2>&1 >/dev/null | grep -c 'the list is incomplete')"
check "processes not found" "swipcs: id 99999 not found" "$("$S" --processes -m -i 99999 2>&1 >/dev/null)"

# Without a process column no /proc/PID is opened; with one, it is.
for args in "" "-m -o ID,KEY,NATTCH,CPID,LPID --json" "-q --json" "-s --raw" "-p" "-m -i $id_a"; do
  # shellcheck disable=SC2086 # words on purpose
  strace -f -qq -e trace=open,openat,stat,newfstatat,statx,readlink,readlinkat -o "$W/trace" "$S" $args > /dev/null
  check "no /proc/PID read: '$args'" 0 "$(grep -cE '"/proc/[0-9]+[/"]' "$W/trace")"
done
strace -f -qq -e trace=openat -o "$W/trace" "$S" -m -o ID,CPID-ALIVE > /dev/null
check "/proc/PID read for CPID-ALIVE" yes "$(grep -qE "\"/proc/$pid_a\"" "$W/trace" && echo yes)"

# swipcrm -a --orphaned removes exactly the orphans (as root, which reads the queue waiters): every other object
# stays, the segments live processes have attached among them.
"$S" --json -o ID,KIND,ORPHANED | jq -r '.[][] | select(.orphaned | not) | .kind + " " + (.id | tostring)' | sort > "$W/kept.expected"
"$R" -a --orphaned > /dev/null 2> "$W/orphans.err"
check "swipcrm -a --orphaned: exit status and messages" "0 " "$? $(cat "$W/orphans.err")"
"$S" --json -o ID,KIND | jq -r '.[][] | .kind + " " + (.id | tostring)' | sort > "$W/kept"
check "swipcrm -a --orphaned: everything else stays" "$(cat "$W/kept.expected")" "$(cat "$W/kept")"
check "swipcrm -a --orphaned: no orphan left" "" "$("$S" --orphaned -o ID --raw --noheadings)"
check "swipcrm -a --orphaned: the attached segment a stays" "$id_a" "$("$S" -m -o ID --raw --noheadings | grep -x "$id_a")"

# Each holder has inherited the fifo ends of those started before it: stop them in reverse order.
for pid in "$waiter_q4" "$waiter_s2"; do kill -KILL "$pid"; done
for name in s4 s2 q5 q4 h e c b a; do stop $name; done
echo done
