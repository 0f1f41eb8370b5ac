# Shared by run-modes.sh and run-removals.sh.

# run_as USER PATH BASE TOOL MODE: runs TOOL with the words of MODE (shell words: quotes group and protect, as
# on a command line) as USER (root, or nobody = uid/gid 65534) with PATH, stdin from /dev/null; stores stdout,
# stderr and the exit status in BASE.out, BASE.err and BASE.rc.
run_as() {
  # Names of its own, so as not to overwrite the caller's variables (sh has no locals).
  run_as_user=$1 run_as_path=$2 run_as_base=$3 run_as_tool=$4
  eval "set -- $5"
  if [ "$run_as_user" = root ]; then
    PATH=$run_as_path $run_as_tool "$@" > "$run_as_base.out" 2> "$run_as_base.err" < /dev/null
  else
    PATH=$run_as_path setpriv --reuid=65534 --regid=65534 --clear-groups $run_as_tool "$@" \
      > "$run_as_base.out" 2> "$run_as_base.err" < /dev/null
  fi
  echo $? > "$run_as_base.rc"
}
