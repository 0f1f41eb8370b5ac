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

_swipcs() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local opts="-i --id -h --help -V --version -m --shmems -q --queues -s --semaphores -a --all -t --time -p --pid -c --creator -l --limits -u --summary --human -b --bytes --ns --all-namespaces"
  # With the default COMP_WORDBREAKS, "--id=5" arrives as the words "--id", "=", "5", and "--id=" as "--id", "="
  # with the cursor on "=".
  [[ $cur == = ]] && cur=""
  # The argument of --ns (or --ns=): a pid of a process in another IPC namespace.
  if [[ ${COMP_WORDS[COMP_CWORD - 1]-} == --ns ||
    (${COMP_WORDS[COMP_CWORD - 1]-} == = && ${COMP_WORDS[COMP_CWORD - 2]-} == --ns) ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_swipcs_namespace_pids)" -- "$cur")
    return
  fi
  # Every word but the one being completed, before or after it, names kinds (-m, -qi, --shmems, -a); whether the
  # word being completed is the argument of -i/--id follows from the words before it.
  local i j word letter argument=0 pending=0 kinds=()
  for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
    word=${COMP_WORDS[i]}
    if ((pending)); then
      pending=0
      ((i == COMP_CWORD)) && argument=1
      continue
    fi
    ((i == COMP_CWORD)) && continue
    case $word in
    --) break ;;
    --id)
      if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
        ((i++))
        if ((i == COMP_CWORD)); then
          argument=1
          continue
        fi
      fi
      pending=1
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
        i)
          ((j == ${#word} - 1)) && pending=1
          break
          ;;
        esac
      done
      ;;
    esac
  done
  if ((argument)); then
    ((${#kinds[@]})) || kinds=(shm msg sem)
    mapfile -t COMPREPLY < <(compgen -W "$(_swipcs_ids "${kinds[@]}")" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  fi
}
complete -F _swipcs swipcs
