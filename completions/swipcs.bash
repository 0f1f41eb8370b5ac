# bash completion for swipcs. Ids come from /proc/sysvipc, read with shell builtins.

# _swipcs_ids KIND: the ids of KIND (shm, msg or sem).
_swipcs_ids() {
  local key id rest
  [[ -r /proc/sysvipc/$1 ]] || return 0
  {
    read -r rest
    while read -r key id rest; do printf '%s\n' "$id"; done
  } < "/proc/sysvipc/$1"
}

_swipcs() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  # With the default COMP_WORDBREAKS, "--id=5" arrives as the words "--id", "=", "5".
  if [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD - 2]}; fi
  local opts="-i --id -h --help -V --version -m --shmems -q --queues -s --semaphores -a --all -t --time -p --pid -c --creator -l --limits -u --summary --human -b --bytes"
  case $prev in
  -i | --id)
    local word kinds=""
    for word in "${COMP_WORDS[@]}"; do
      case $word in
      -m | --shmems) kinds+=" shm" ;;
      -q | --queues) kinds+=" msg" ;;
      -s | --semaphores) kinds+=" sem" ;;
      esac
    done
    local kind ids=""
    for kind in ${kinds:-shm msg sem}; do ids+=" $(_swipcs_ids "$kind")"; done
    mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")
    return 0
    ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}
complete -F _swipcs swipcs
