# fish completion for swipcs. Ids come from /proc/sysvipc, read with fish builtins.

function __swipcs_kinds --description 'the IPC kinds named by option words (-m, -qi, --shmems, -a)'
    set -l argument 0
    for word in $argv
        if test $argument = 1
            set argument 0
            continue
        end
        switch $word
            case --
                return
            case --id --textfile
                set argument 1
            case --shmems
                echo shm
            case --queues
                echo msg
            case --semaphores
                echo sem
            case --all
                printf '%s\n' shm msg sem
            case '--*'
            case '-?*'
                # A cluster of short options: -i takes the rest of the word, or the next word.
                set -l letters (string split '' -- (string sub -s 2 -- $word))
                for index in (seq (count $letters))
                    switch $letters[$index]
                        case m
                            echo shm
                        case q
                            echo msg
                        case s
                            echo sem
                        case a
                            printf '%s\n' shm msg sem
                        case i
                            test $index -eq (count $letters); and set argument 1
                            break
                    end
                end
        end
    end
end

# The ids of the kinds named on the command line, or of all kinds (fish shows an id found in two kinds once).
function __swipcs_ids --description 'ids of the IPC kinds named on the command line, or of all'
    set -l before (commandline -opc)
    set -l current (commandline -ct)
    set -l all (commandline -op)
    # The words after the one being completed (commandline -op has no empty word for the cursor).
    set -l next (math (count $before) + 1)
    test -n "$current"; and set next (math $next + 1)
    # The word being completed counts when it is a cluster with the id attached (-qi5).
    set -l kinds (__swipcs_kinds $before[2..-1]) (__swipcs_kinds $all[$next..-1])
    string match -qr -- '^-[^-]*i' $current; and set -a kinds (__swipcs_kinds (string replace -r -- 'i.*' i $current))
    test (count $kinds) -eq 0; and set kinds shm msg sem
    for kind in shm msg sem
        contains -- $kind $kinds; or continue
        test -r /proc/sysvipc/$kind; or continue
        while read -l key id rest
            string match -qr '^[0-9]+$' -- $id; and echo $id
        end </proc/sysvipc/$kind
    end
end

function __swipcs_namespace_pids --description 'pids of the processes in another IPC namespace than the shell'
    # fish globs have no [0-9]: every entry of /proc, the numeric ones kept.
    for dir in /proc/*
        string match -qr '^/proc/[0-9]+$' -- $dir; or continue
        test -e $dir/ns/ipc; or continue
        test $dir/ns/ipc -ef /proc/$fish_pid/ns/ipc; and continue
        string replace /proc/ '' -- $dir
    end
end

# The columns of -o/--output: after the last comma of the list typed so far.
function __swipcs_columns --description 'column names for -o'
    set -l current (commandline -ct)
    set -l head (string replace -r -- '^(-o|--output=)' '' $current)
    set -l prefix (string match -r -- '^.*,' $head)
    for column in KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE NS ORPHANED SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP ATTACHED ATTACHED-COMPLETE CPID-ALIVE LPID-ALIVE USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES LSPID-ALIVE LRPID-ALIVE NSEMS OTIME NAME MTIME SVAL RESOURCE DESCRIPTION LIMIT USED USE%
        echo $prefix$column
    end
end

# The column name being typed at the end of a --filter expression, after what comes before it.
function __swipcs_filter_columns --description 'column names for --filter'
    set -l current (string replace -r -- '^--filter=' '' (commandline -ct))
    set -l head (string replace -r -- '[A-Za-z0-9_%]*$' '' $current)
    for column in KEY ID OWNER PERMS CUID CUSER CGID CGROUP UID USER GID GROUP CTIME KIND AGE IDLE SIZE NATTCH STATUS ATTACH DETACH COMMAND CPID LPID RSS SWAP USEDBYTES MSGS SEND RECV LSPID LRPID QBYTES NSEMS OTIME
        echo $head$column
    end
end

complete -c swipcs -f
complete -c swipcs -s i -l id -x -a '(__swipcs_ids)' -d 'print details on resource identified by id'
complete -c swipcs -s h -l help -d 'display this help'
complete -c swipcs -s V -l version -d 'display version'
complete -c swipcs -s m -l shmems -d 'shared memory segments'
complete -c swipcs -s q -l queues -d 'message queues'
complete -c swipcs -s s -l semaphores -d semaphores
complete -c swipcs -s a -l all -d 'all (default)'
complete -c swipcs -s t -l time -d 'show attach, detach and change times'
complete -c swipcs -s p -l pid -d 'show PIDs of creator and last operator'
complete -c swipcs -s c -l creator -d 'show creator and owner'
complete -c swipcs -s l -l limits -d 'show resource limits'
complete -c swipcs -s u -l summary -d 'show status summary'
complete -c swipcs -l human -d 'show sizes in human-readable format'
complete -c swipcs -l posix-shmems -d 'POSIX shared memory objects'
complete -c swipcs -l posix-mqueues -d 'POSIX message queues'
complete -c swipcs -l posix-semaphores -d 'POSIX named semaphores'
complete -c swipcs -s b -l bytes -d 'show sizes in bytes'
complete -c swipcs -s o -l output -x -a '(__swipcs_columns)' -d 'define the columns to output'
complete -c swipcs -s J -l json -d 'use the JSON output format'
complete -c swipcs -s r -l raw -d 'display in raw mode'
complete -c swipcs -s e -l export -d 'display in an export-able output format'
complete -c swipcs -l noheadings -d "don't print headings"
complete -c swipcs -l notruncate -d "don't truncate output"
complete -c swipcs -l time-format -x -a 'short full iso' -d 'display dates in short, full or iso format'
complete -c swipcs -s P -l numeric-perms -d 'print numeric permissions (PERMS column)'
complete -c swipcs -s g -l global -d 'info about system-wide usage'
complete -c swipcs -l prometheus -f -a 'objects orphans' -d 'print Prometheus metrics (objects, orphans)'
complete -c swipcs -l textfile -r -F -d 'write the metrics to file, replacing it atomically'
complete -c swipcs -l ns -x -a '(__swipcs_namespace_pids)' -d 'act in the IPC namespace of a process or nsfs file'
complete -c swipcs -l all-namespaces -d 'act in every IPC namespace in use'
complete -c swipcs -l processes -d 'list the processes that hold each object'
complete -c swipcs -l filter -x -a '(__swipcs_filter_columns)' -d 'select the objects for which expr is true'
complete -c swipcs -l owner -x -a '(__fish_complete_users)' -d 'select objects owned by user (name or uid)'
complete -c swipcs -l group -x -a '(__fish_complete_groups)' -d 'select objects of group (name or gid)'
complete -c swipcs -l key -x -d 'select the object of key'
complete -c swipcs -l older-than -x -d 'select objects unchanged for at least duration (90s, 15m, 2h, 7d)'
complete -c swipcs -l idle-for -x -d 'select objects unused for at least duration (90s, 15m, 2h, 7d)'
complete -c swipcs -l unattached -d 'select segments no process has attached'
complete -c swipcs -l dead-creator -d 'select segments whose creator has exited'
complete -c swipcs -l orphaned -d 'select objects nothing alive uses or waits on'
