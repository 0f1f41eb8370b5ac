# fish completion for swipcrm. Ids and keys come from /proc/sysvipc, POSIX names from /dev/shm (and /dev/mqueue
# where it is mounted), read with fish builtins.

function __swipcrm_objects --description 'ids, or keys as 0x%08x (IPC_PRIVATE left out), of one IPC kind'
    test -r /proc/sysvipc/$argv[1]; or return
    while read -l key id rest
        string match -qr '^-?[0-9]+$' -- $key; or continue
        if test $argv[2] = id
            echo $id
        else if test $key -ne 0
            printf '0x%08x\n' (math "($key + 4294967296) % 4294967296")
        end
    end </proc/sysvipc/$argv[1]
end

function __swipcrm_posix_names --description 'names of the POSIX objects of one kind (pshm, psem, pmsg)'
    switch $argv[1]
        case pshm
            for entry in /dev/shm/*
                set -l name (string replace -r '.*/' '' -- $entry)
                test -f $entry; and not test -L $entry; and not string match -qr '^sem\..' -- $name; and echo $name
            end
        case psem
            for entry in /dev/shm/sem.?*
                test -f $entry; and not test -L $entry; and string replace -r '.*/sem\.' '' -- $entry
            end
        case pmsg
            for entry in /dev/mqueue/*
                test -f $entry; and echo /(string replace -r '.*/' '' -- $entry)
            end
    end
end

function __swipcrm_legacy --description 'true when the first word is shm, msg or sem'
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and contains -- $tokens[2] shm msg sem
end

# -a and --all take their type attached (-ashm, --all=shm), which `complete -s a -l all` offers, or, as swipcrm
# reads them, as the next word (-a shm, -va shm, --all shm), which fish offers only through a condition.
function __swipcrm_type_next --description 'true when the word before the cursor is -a or --all, alone'
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; or return 1
    __swipcrm_legacy; and return 1
    string match -qr -- '^(-[nvhV]*a|--all)$' $tokens[-1]
end

function __swipcrm_namespace_pids --description 'pids of the processes in another IPC namespace than the shell'
    # fish globs have no [0-9]: every entry of /proc, the numeric ones kept.
    for dir in /proc/*
        string match -qr '^/proc/[0-9]+$' -- $dir; or continue
        test -e $dir/ns/ipc; or continue
        test $dir/ns/ipc -ef /proc/$fish_pid/ns/ipc; and continue
        string replace /proc/ '' -- $dir
    end
end

# The column name being typed at the end of a --filter expression, after what comes before it.
function __swipcrm_filter_columns --description 'column names for --filter'
    set -l current (string replace -r -- '^--filter=' '' (commandline -ct))
    set -l head (string replace -r -- '[A-Za-z0-9_%]*$' '' $current)
    for column in KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES NSEMS OTIME
        echo $head$column
    end
end

complete -c swipcrm -f
complete -c swipcrm -n 'test (count (commandline -opc)) -eq 1' -a 'shm msg sem' -d 'old form: kind, then ids'
complete -c swipcrm -n __swipcrm_legacy -a '(__swipcrm_objects (commandline -opc)[2] id)'
complete -c swipcrm -s m -l shmem-id -x -a '(__swipcrm_objects shm id)' -d 'remove shared memory segment by id'
complete -c swipcrm -s M -l shmem-key -x -a '(__swipcrm_objects shm key)' -d 'remove shared memory segment by key'
complete -c swipcrm -s q -l queue-id -x -a '(__swipcrm_objects msg id)' -d 'remove message queue by id'
complete -c swipcrm -s Q -l queue-key -x -a '(__swipcrm_objects msg key)' -d 'remove message queue by key'
complete -c swipcrm -s s -l semaphore-id -x -a '(__swipcrm_objects sem id)' -d 'remove semaphore by id'
complete -c swipcrm -s S -l semaphore-key -x -a '(__swipcrm_objects sem key)' -d 'remove semaphore by key'
complete -c swipcrm -l posix-shmem -x -a '(__swipcrm_posix_names pshm)' -d 'remove POSIX shared memory segment by name'
complete -c swipcrm -l posix-mqueue -x -a '(__swipcrm_posix_names pmsg)' -d 'remove POSIX message queue by name'
complete -c swipcrm -l posix-semaphore -x -a '(__swipcrm_posix_names psem)' -d 'remove POSIX semaphore by name'
complete -c swipcrm -s a -l all -a 'shm pshm msg pmsg sem psem' -d 'remove all (in the specified category)'
complete -c swipcrm -n __swipcrm_type_next -a 'shm pshm msg pmsg sem psem' -d 'remove all of this type'
complete -c swipcrm -s n -l dry-run -d 'show what would be removed, and remove nothing'
complete -c swipcrm -s v -l verbose -d 'explain what is being done'
complete -c swipcrm -s h -l help -d 'display this help'
complete -c swipcrm -s V -l version -d 'display version'
complete -c swipcrm -l ns -x -a '(__swipcrm_namespace_pids)' -d 'act in the IPC namespace of a process or nsfs file'
complete -c swipcrm -l all-namespaces -d 'act in every IPC namespace in use'
complete -c swipcrm -s J -l json -d "report every object's outcome in JSON"
complete -c swipcrm -l ignore-missing -d 'an id or key that does not exist is not an error'
complete -c swipcrm -l filter -x -a '(__swipcrm_filter_columns)' -d 'select the objects for which expr is true'
complete -c swipcrm -l owner -x -a '(__fish_complete_users)' -d 'select objects owned by user (name or uid)'
complete -c swipcrm -l creator -x -a '(__fish_complete_users)' -d 'select objects created by user (name or uid)'
complete -c swipcrm -l group -x -a '(__fish_complete_groups)' -d 'select objects of group (name or gid)'
complete -c swipcrm -l key -x -d 'select the object of key'
complete -c swipcrm -l older-than -x -d 'select objects unchanged for at least duration (90s, 15m, 2h, 7d)'
complete -c swipcrm -l idle-for -x -d 'select objects unused for at least duration (90s, 15m, 2h, 7d)'
complete -c swipcrm -l unattached -d 'select segments no process has attached'
complete -c swipcrm -l dead-creator -d 'select segments whose creator has exited'
complete -c swipcrm -l orphaned -d 'select objects nothing alive uses or waits on'
