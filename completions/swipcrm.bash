# bash completion for swipcrm. Ids and keys come from /proc/sysvipc, read with shell builtins.
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

_swipcrm() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local opts="-m --shmem-id -M --shmem-key -q --queue-id -Q --queue-key -s --semaphore-id -S --semaphore-key -a --all -n --dry-run -v --verbose -h --help -V --version -J --json --ignore-missing --filter --owner --creator --group --key --older-than --idle-for --unattached --dead-creator --orphaned"
  local columns="KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES NSEMS OTIME"
  local types="shm msg sem"
  # With the default COMP_WORDBREAKS, "--all=sh" arrives as the words "--all", "=", "sh", and "--all=" as
  # "--all", "=" with the cursor on "=".
  [[ $cur == = ]] && cur=""
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
        [[ $letter != a || $word == @(shm|msg|sem) ]] && continue
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
    a=) candidates=$types ;;
    f)
      # The column name being typed at the end of the expression, after what comes before it.
      local name=${cur##*[!A-Za-z0-9_%]}
      mapfile -t COMPREPLY < <(compgen -P "${cur%"$name"}" -W "$columns" -- "${name^^}")
      return
      ;;
    u) candidates=$(compgen -u) ;;
    g) candidates=$(compgen -g) ;;
    x) candidates="" ;;
    a) candidates="$types $opts" ;;
    *)
      candidates=$opts
      ((COMP_CWORD == 1)) && candidates+=" $types"
      ;;
    esac
  fi
  mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
}
complete -F _swipcrm swipcrm
