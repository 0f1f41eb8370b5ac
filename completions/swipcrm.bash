# bash completion for swipcrm. Ids and keys come from /proc/sysvipc, POSIX names from /dev/shm (and /dev/mqueue
# where it is mounted), read with shell builtins.
# Needs no bash-completion package: `source` this file, or let bash-completion load it by name.

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

# _swipcrm_posix_names KIND: the names of the POSIX objects of KIND (pshm, psem: regular files of /dev/shm, never a
# symlink; pmsg: /dev/mqueue's queues, only where it is mounted).
_swipcrm_posix_names() {
  local entry name
  case $1 in
  pshm)
    for entry in /dev/shm/*; do
      name=${entry##*/}
      [[ -f $entry && ! -L $entry && $name != sem.?* ]] && printf '%s\n' "$name"
    done
    ;;
  psem)
    for entry in /dev/shm/sem.?*; do
      [[ -f $entry && ! -L $entry ]] && printf '%s\n' "${entry##*/sem.}"
    done
    ;;
  pmsg)
    for entry in /dev/mqueue/*; do
      [[ -f $entry ]] && printf '/%s\n' "${entry##*/}"
    done
    ;;
  esac
  return 0
}

# _swipcrm_namespace_pids: the pids of the processes whose IPC namespace is not the shell's (for --ns).
_swipcrm_namespace_pids() {
  local dir
  for dir in /proc/[0-9]*; do
    [[ -e $dir/ns/ipc && ! $dir/ns/ipc -ef /proc/$$/ns/ipc ]] && printf '%s\n' "${dir#/proc/}"
  done
}

_swipcrm() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local opts="-m --shmem-id -M --shmem-key -q --queue-id -Q --queue-key -s --semaphore-id -S --semaphore-key --posix-shmem --posix-mqueue --posix-semaphore -a --all -n --dry-run -v --verbose -h --help -V --version --ns --all-namespaces -J --json --ignore-missing --filter --owner --creator --group --key --older-than --idle-for --unattached --dead-creator --orphaned"
  local columns="KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES NSEMS OTIME"
  local types="shm msg sem"
  local all_types="shm pshm msg pmsg sem psem"
  # With the default COMP_WORDBREAKS, "--all=sh" arrives as the words "--all", "=", "sh", and "--all=" as
  # "--all", "=" with the cursor on "=".
  [[ $cur == = ]] && cur=""
  # The argument of --ns (or --ns=): a pid of a process in another IPC namespace.
  if [[ ${COMP_WORDS[COMP_CWORD - 1]-} == --ns ||
    (${COMP_WORDS[COMP_CWORD - 1]-} == = && ${COMP_WORDS[COMP_CWORD - 2]-} == --ns) ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_swipcrm_namespace_pids)" -- "$cur")
    return
  fi
  local candidates
  # The old form: swipcrm shm|msg|sem ID...
  if ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[1]} == @(shm|msg|sem) ]]; then
    candidates=$(_swipcrm_objects "${COMP_WORDS[1]}" id)
  else
    # What the word being completed is, from the words before it: the argument of an option (its letter in
    # `pending`; "a" for -a/--all, whose type may be the next word; "a=" after --all=), an option, or nothing.
    local i j word letter pending="" ended=0
    for ((i = 1; i < COMP_CWORD; i++)); do
      word=${COMP_WORDS[i]}
      if [[ -n $pending ]]; then
        letter=$pending pending=""
        [[ $letter != a || $word == @(shm|msg|sem|pshm|pmsg|psem) ]] && continue
      fi
      case $word in
      --)
        ended=1
        break
        ;;
      --shmem-id) pending=m ;;
      --shmem-key) pending=M ;;
      --queue-id) pending=q ;;
      --queue-key) pending=Q ;;
      --semaphore-id) pending=s ;;
      --semaphore-key) pending=S ;;
      --posix-shmem) pending=pshm ;;
      --posix-mqueue) pending=pmsg ;;
      --posix-semaphore) pending=psem ;;
      --all) pending=a ;;
      --filter) pending=f ;;
      --owner | --creator) pending=u ;;
      --group) pending=g ;;
      --key | --older-than | --idle-for) pending=x ;;
      -[!-]*)
        # A cluster of short options: an option with an argument takes the rest of the word, or the next word.
        for ((j = 1; j < ${#word}; j++)); do
          letter=${word:j:1}
          if [[ $letter == [mMqQsSa] ]]; then
            ((j == ${#word} - 1)) && pending=$letter
            break
          fi
        done
        ;;
      esac
      # "--shmem-id=5" arrives as "--shmem-id", "=", "5": the value is in the word after "=".
      if [[ $word == --* && -n $pending && ${COMP_WORDS[i + 1]-} == = ]]; then
        ((i++))
        [[ $pending == a ]] && pending="a="
      fi
    done
    ((ended)) && pending=none
    case $pending in
    none) candidates="" ;;
    m) candidates=$(_swipcrm_objects shm id) ;;
    q) candidates=$(_swipcrm_objects msg id) ;;
    s) candidates=$(_swipcrm_objects sem id) ;;
    M) candidates=$(_swipcrm_objects shm key) ;;
    Q) candidates=$(_swipcrm_objects msg key) ;;
    S) candidates=$(_swipcrm_objects sem key) ;;
    pshm | pmsg | psem) candidates=$(_swipcrm_posix_names "$pending") ;;
    a=) candidates=$all_types ;;
    f)
      # The column name being typed at the end of the expression, after what comes before it.
      local name=${cur##*[!A-Za-z0-9_%]}
      mapfile -t COMPREPLY < <(compgen -P "${cur%"$name"}" -W "$columns" -- "${name^^}")
      return
      ;;
    u) candidates=$(compgen -u) ;;
    g) candidates=$(compgen -g) ;;
    x) candidates="" ;;
    a) candidates="$all_types $opts" ;;
    *)
      candidates=$opts
      ((COMP_CWORD == 1)) && candidates+=" $types"
      ;;
    esac
  fi
  mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
}
complete -F _swipcrm swipcrm
