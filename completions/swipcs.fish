# fish completion for swipcs. Ids come from /proc/sysvipc, read with fish builtins.

function __swipcs_ids --description 'ids of the IPC kinds named on the command line, or of all'
    set -l kinds
    set -l tokens (commandline -opc)
    contains -- -m $tokens; or contains -- --shmems $tokens; and set -a kinds shm
    contains -- -q $tokens; or contains -- --queues $tokens; and set -a kinds msg
    contains -- -s $tokens; or contains -- --semaphores $tokens; and set -a kinds sem
    test (count $kinds) -eq 0; and set kinds shm msg sem
    for kind in $kinds
        test -r /proc/sysvipc/$kind; or continue
        while read -l key id rest
            string match -qr '^[0-9]+$' -- $id; and echo $id
        end </proc/sysvipc/$kind
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
complete -c swipcs -s b -l bytes -d 'show sizes in bytes'
