# bash completion for swipcs. Ids come from /proc/sysvipc, read with shell builtins.
# Needs no bash-completion package: `source` this file, or let bash-completion load it by name.

# _swipcs_ids KIND...: the ids of each KIND (shm, msg or sem), each id once.
_swipcs_ids() {
  local kind key id rest
  local -A seen=()
  for kind; do
    [[ -r /proc/sysvipc/$kind ]] || continue
    {
      read -r rest
      while read -r key id rest; do
        [[ -n $id && -z ${seen[$id]-} ]] || continue
        seen[$id]=1
        printf '%s\n' "$id"
      done
    } < "/proc/sysvipc/$kind"
  done
}

# _swipcs_namespace_pids: the pids of the processes whose IPC namespace is not the shell's (for --ns).
_swipcs_namespace_pids() {
  local dir
  for dir in /proc/[0-9]*; do
    [[ -e $dir/ns/ipc && ! $dir/ns/ipc -ef /proc/$$/ns/ipc ]] && printf '%s\n' "${dir#/proc/}"
  done
}
# The columns --filter takes: the object columns.
_swipcs_filter_columns="KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES NSEMS OTIME"

# The columns of -o/--output, as `swipcs --help` lists them.
_swipcs_columns="KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE NS ORPHANED SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP ATTACHED ATTACHED-COMPLETE CPID-ALIVE LPID-ALIVE USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES LSPID-ALIVE LRPID-ALIVE NSEMS OTIME NAME MTIME SVAL RESOURCE DESCRIPTION LIMIT USED USE%"

_swipcs() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local opts="-i --id -h --help -V --version -m --shmems -q --queues -s --semaphores -a --all -t --time -p --pid -c --creator -l --limits -u --summary --human -b --bytes -o --output -J --json -r --raw -e --export --noheadings --notruncate --time-format -P --numeric-perms -g --global --prometheus --textfile --posix-shmems --posix-mqueues --posix-semaphores --ns --all-namespaces --processes --filter --owner --group --key --older-than --idle-for --unattached --dead-creator --orphaned"
  # With the default COMP_WORDBREAKS, "--id=5" arrives as the words "--id", "=", "5", and "--id=" as "--id", "="
  # with the cursor on "=".
  [[ $cur == = ]] && cur=""
  # The argument of --textfile (a file name), of --ns (a pid of a process in another IPC namespace) and of
  # --prometheus= (one word), attached with = or not.
  local before=${COMP_WORDS[COMP_CWORD - 1]-} attached=0
  if [[ ${COMP_WORDS[COMP_CWORD]} == = ]]; then
    attached=1
  elif [[ $before == = ]]; then
    attached=1
    before=${COMP_WORDS[COMP_CWORD - 2]-}
  fi
  if [[ $before == --textfile ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return
  fi
  if [[ $before == --ns ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_swipcs_namespace_pids)" -- "$cur")
    return
  fi
  if [[ $before == --prometheus ]] && ((attached)); then
    mapfile -t COMPREPLY < <(compgen -W "objects orphans" -- "$cur")
    return
  fi
  # Every word but the one being completed, before or after it, names kinds (-m, -qi, --shmems, -a); whether the
  # word being completed is the argument of -i/--id follows from the words before it.
  # argument: what the word being completed is the argument of (id, output, time-format), if anything.
  local i j word letter argument="" pending="" kinds=()
  for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
    word=${COMP_WORDS[i]}
    if [[ -n $pending ]]; then
      ((i == COMP_CWORD)) && argument=$pending
      pending=""
      continue
    fi
    ((i == COMP_CWORD)) && continue
    case $word in
    --) break ;;
    --id | --output | --time-format | --filter | --owner | --group | --key | --older-than | --idle-for)
      if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
        ((i++))
        if ((i == COMP_CWORD)); then
          argument=${word#--}
          continue
        fi
      fi
      pending=${word#--}
      ;;
    --textfile | --ns)
      # Its file name or pid is not an option word.
      [[ ${COMP_WORDS[i + 1]-} == = ]] && ((i++))
      ((i++))
      ;;
    --shmems) kinds+=(shm) ;;
    --queues) kinds+=(msg) ;;
    --semaphores) kinds+=(sem) ;;
    --all) kinds+=(shm msg sem) ;;
    --*) ;;
    -?*)
      # A cluster of short options: -i takes the rest of the word, or the next word.
      for ((j = 1; j < ${#word}; j++)); do
        letter=${word:j:1}
        case $letter in
        m) kinds+=(shm) ;;
        q) kinds+=(msg) ;;
        s) kinds+=(sem) ;;
        a) kinds+=(shm msg sem) ;;
        i | o)
          if ((j == ${#word} - 1)); then
            [[ $letter == i ]] && pending=id || pending=output
          fi
          break
          ;;
        esac
      done
      ;;
    esac
  done
  if [[ $argument == id ]]; then
    ((${#kinds[@]})) || kinds=(shm msg sem)
    mapfile -t COMPREPLY < <(compgen -W "$(_swipcs_ids "${kinds[@]}")" -- "$cur")
  elif [[ $argument == output ]]; then
    # A list: complete the name after the last comma, keeping what comes before it (and a leading +).
    local head="" name=$cur
    [[ $cur == *,* ]] && head=${cur%,*}, name=${cur##*,}
    [[ -z $head && $name == +* ]] && head=+ name=${name#+}
    mapfile -t COMPREPLY < <(compgen -P "$head" -W "$_swipcs_columns" -- "${name^^}")
  elif [[ $argument == filter ]]; then
    # The column name being typed at the end of the expression, after what comes before it.
    local name=${cur##*[!A-Za-z0-9_%]}
    mapfile -t COMPREPLY < <(compgen -P "${cur%"$name"}" -W "$_swipcs_filter_columns" -- "${name^^}")
  elif [[ $argument == owner ]]; then
    mapfile -t COMPREPLY < <(compgen -u -- "$cur")
  elif [[ $argument == group ]]; then
    mapfile -t COMPREPLY < <(compgen -g -- "$cur")
  elif [[ -n $argument && $argument != id ]]; then
    COMPREPLY=()
  elif [[ $argument == time-format ]]; then
    mapfile -t COMPREPLY < <(compgen -W "short full iso" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  fi
}
complete -F _swipcs swipcs
