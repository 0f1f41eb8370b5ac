# bash completion for swipcrm. Ids and keys come from /proc/sysvipc, read with shell builtins.

# _swipcrm_objects KIND FIELD: the ids (FIELD=id) or keys (FIELD=key, as 0x%08x, IPC_PRIVATE left out) of KIND.
_swipcrm_objects() {
  local key id rest
  [[ -r /proc/sysvipc/$1 ]] || return 0
  {
    read -r rest
    while read -r key id rest; do
      if [[ $2 == id ]]; then
        printf '%s\n' "$id"
      elif ((key != 0)); then
        printf '0x%08x\n' $((key & 0xffffffff))
      fi
    done
  } < "/proc/sysvipc/$1"
}

_swipcrm() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local opts="-m --shmem-id -M --shmem-key -q --queue-id -Q --queue-key -s --semaphore-id -S --semaphore-key -a --all -n --dry-run -v --verbose -h --help -V --version"
  local candidates
  # With the default COMP_WORDBREAKS, "--all=sh" arrives as the words "--all", "=", "sh"; "--shmem-id=1" likewise.
  if [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD - 2]}; fi
  # The old form: swipcrm shm|msg|sem ID...
  if ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[1]} == @(shm|msg|sem) ]]; then
    candidates=$(_swipcrm_objects "${COMP_WORDS[1]}" id)
  else
    case $prev in
    -m | --shmem-id) candidates=$(_swipcrm_objects shm id) ;;
    -q | --queue-id) candidates=$(_swipcrm_objects msg id) ;;
    -s | --semaphore-id) candidates=$(_swipcrm_objects sem id) ;;
    -M | --shmem-key) candidates=$(_swipcrm_objects shm key) ;;
    -Q | --queue-key) candidates=$(_swipcrm_objects msg key) ;;
    -S | --semaphore-key) candidates=$(_swipcrm_objects sem key) ;;
    --all) [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]] && candidates="shm msg sem" || candidates="shm msg sem $opts" ;;
    -a) candidates="shm msg sem $opts" ;;
    *)
      case $cur in
      --all=*) candidates="--all=shm --all=msg --all=sem" ;;
      *) candidates=$opts ;;
      esac
      ((COMP_CWORD == 1)) && candidates+=" shm msg sem"
      ;;
    esac
  fi
  mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
}
complete -F _swipcrm swipcrm
