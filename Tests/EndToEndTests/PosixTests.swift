import Testing

/// swipcs and swipcrm on real POSIX objects, in private IPC and mount namespaces.
///
/// A private tmpfs on `/dev/shm`, objects made by a small C helper with known sizes, values, message counts, owners and modes, run as root and as
/// uid 65534. The machine's own `/dev/shm` is never touched.
@Suite(.enabled(if: Namespaces.mode == .root, "needs root: a private tmpfs on /dev/shm and the mqueue filesystem"))
struct PosixEndToEndTests {
  /// The helper: `mkposix` makes the objects below; `mkposix sysv` one System V segment; `mkposix shm NAME SIZE
  /// MODE UID` and `mkposix mq NAME MESSAGES MODE UID` one more object; `mkposix hold` holds objects (below) until
  /// its standard input ends.
  static let helper = #"""
    #include <fcntl.h>
    #include <mqueue.h>
    #include <semaphore.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <sys/ipc.h>
    #include <sys/mman.h>
    #include <sys/shm.h>
    #include <sys/stat.h>
    #include <unistd.h>

    static void fail(const char *what) { perror(what); exit(1); }

    static void shm(const char *name, off_t size, mode_t mode, uid_t owner) {
      int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, mode);
      if (fd < 0 || ftruncate(fd, size) != 0 || fchmod(fd, mode) != 0 || fchown(fd, owner, owner) != 0) fail(name);
      close(fd);
    }

    static void sem(const char *name, unsigned value, mode_t mode, uid_t owner) {
      sem_t *s = sem_open(name, O_CREAT | O_EXCL, mode, value);
      if (s == SEM_FAILED) fail(name);
      sem_close(s);
      char path[300];
      snprintf(path, sizeof path, "/dev/shm/sem.%s", name + 1);
      if (chmod(path, mode) != 0 || chown(path, owner, owner) != 0) fail(path);
    }

    static void queue(const char *name, int messages, mode_t mode, uid_t owner) {
      struct mq_attr attributes = {.mq_maxmsg = 5, .mq_msgsize = 100};
      mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, mode, &attributes);
      if (q < 0) fail(name);
      for (int i = 0; i < messages; i++)
        if (mq_send(q, i ? "abc" : "hello", i ? 3 : 5, 1) != 0) fail("mq_send");
      if (fchmod(q, mode) != 0 || fchown(q, owner, owner) != 0) fail(name);
      mq_close(q);
    }

    /* Maps shared memory /seg, keeps /nobodys open (not mapped), holds semaphore /lock and queue /q, and maps the
       file of semaphore /open privately and read-only (a private mapping holds the file too); says "ready PID"
       and waits for the end of its standard input. */
    static int hold(void) {
      int fd = shm_open("/seg", O_RDWR, 0);
      if (fd < 0) fail("/seg");
      if (mmap(NULL, 10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) fail("mmap");
      close(fd);
      if (shm_open("/nobodys", O_RDONLY, 0) < 0) fail("/nobodys");
      if (sem_open("/lock", 0) == SEM_FAILED) fail("/lock");
      if (mq_open("/q", O_RDONLY) < 0) fail("/q");
      int open_fd = open("/dev/shm/sem.open", O_RDONLY);
      if (open_fd < 0 || mmap(NULL, 32, PROT_READ, MAP_PRIVATE, open_fd, 0) == MAP_FAILED) fail("sem.open");
      close(open_fd);
      printf("ready %d\n", (int)getpid());
      fflush(stdout);
      char buffer[64];
      while (read(0, buffer, sizeof buffer) > 0) {}
      return 0;
    }

    int main(int argc, char **argv) {
      umask(0);
      if (argc == 2 && strcmp(argv[1], "hold") == 0) return hold();
      if (argc == 6 && strcmp(argv[1], "shm") == 0) {
        shm(argv[2], atol(argv[3]), strtol(argv[4], NULL, 8), atoi(argv[5]));
        return 0;
      }
      if (argc == 6 && strcmp(argv[1], "mq") == 0) {
        queue(argv[2], atoi(argv[3]), strtol(argv[4], NULL, 8), atoi(argv[5]));
        return 0;
      }
      if (argc > 1) {
        if (shmget(0x1234, 4096, IPC_CREAT | 0600) < 0) fail("shmget");
        return 0;
      }
      shm("/seg", 10000, 0640, 0);
      shm("/nobodys", 4096, 0600, 65534);
      sem("/lock", 3, 0640, 0);
      sem("/open", 0, 0666, 65534);
      queue("/q", 2, 0640, 0);
      queue("/empty", 0, 0600, 65534);
      return 0;
    }
    """#

  /// The shell functions every check script has: `check CONDITION TEXT`, `want TEXT [JQ]` (status `$STATUS`, 0 by
  /// default, and the output, or jq's compact rendering of it, equal to standard input), `run`/`out`/`err`/`rc`,
  /// `start_holder` and `stop_holder`, `$NOBODY` (the prefix that runs a command as uid 65534).
  static let prelude = #"""
    set -u
    NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
    check() { if eval "$1"; then :; else echo "FAIL: $2"; fi; }
    outside_intact() { [ "$(cat "$WORK/outside")" = outside ] && [ -L /dev/shm/planted ] && [ -L /dev/shm/sem.planted ]; }
    run() { "$@" < /dev/null > "$WORK/out" 2> "$WORK/err"; echo $? > "$WORK/rc"; }
    out() { cat "$WORK/out"; }
    err() { cat "$WORK/err"; }
    rc() { cat "$WORK/rc"; }
    want() {
      cat > "$WORK/want"
      if [ $# -gt 1 ]; then jq -c "$2" "$WORK/out" > "$WORK/got" 2>&1; else cp "$WORK/out" "$WORK/got"; fi
      if [ "$(rc)" = "${STATUS:-0}" ] && cmp -s "$WORK/want" "$WORK/got"; then :; else
        echo "FAIL: $1: status $(rc), wanted"; cat "$WORK/want"; echo "got"; cat "$WORK/got"; err
      fi
    }
    # A holder (mkposix hold) with its standard input on a FIFO only this shell keeps open: it answers "ready PID"
    # once it holds everything, and exits when the FIFO is closed. Sets HOLDER_PID and HOLDER_FD; `stop_holder PID
    # FD` closes that FIFO and waits for that process.
    HOLDER_FDS=""
    start_holder() {
      rm -f "$WORK/holder.in" "$WORK/holder.out" && mkfifo "$WORK/holder.in" "$WORK/holder.out"
      (for fd in $HOLDER_FDS; do eval "exec $fd>&-"; done; exec "$WORK/mkposix" hold) \
        < "$WORK/holder.in" > "$WORK/holder.out" &
      HOLDER_PID=$!
      exec {HOLDER_FD}> "$WORK/holder.in"
      HOLDER_FDS="$HOLDER_FDS $HOLDER_FD"
      read -r word pid < "$WORK/holder.out"
      [ "$word $pid" = "ready $HOLDER_PID" ] || echo "FAIL: holder $HOLDER_PID said '$word $pid'"
    }
    stop_holder() {
      eval "exec $2>&-"
      wait "$1" || echo "FAIL: holder $1 exited with status $?"
      [ ! -e "/proc/$1" ] || echo "FAIL: holder $1 still there"
    }
    """#

  /// Runs `checks` (bash, with the functions of `prelude`) after the objects and the planted entries are made.
  ///
  /// Every failed check prints `FAIL: TEXT`. With `privatePIDs` the checks run in a private pid namespace with
  /// its own /proc, whose processes are all the checks' own (the machine's pid 1 may be unreadable even to root,
  /// which leaves every holder scan incomplete).
  static func run(_ checks: String, privatePIDs: Bool = false) throws -> String {
    let script = """
      set -u
      cat > "$WORK/mkposix.c" <<'HELPER'
      \(helper)
      HELPER
      cc -o "$WORK/mkposix" "$WORK/mkposix.c" || exit 1
      mount -t tmpfs -o mode=1777 swipcs-test /dev/shm || exit 1
      "$WORK/mkposix" || exit 1
      # Entries that are no object: a symlink to a file outside /dev/shm (as shared memory and as a semaphore's
      # file), a directory and a FIFO.
      echo outside > "$WORK/outside"; chmod 666 "$WORK/outside"
      ln -s "$WORK/outside" /dev/shm/planted
      ln -s "$WORK/outside" /dev/shm/sem.planted
      mkdir /dev/shm/adir; mkfifo /dev/shm/fifo
      # The queues as a private mount of the mqueue filesystem shows them, to compare with.
      mkdir "$WORK/mq" && mount -t mqueue swipcs-test "$WORK/mq" || exit 1
      cat > "$WORK/prelude" <<'PRELUDE'
      \(prelude)
      PRELUDE
      cat > "$WORK/checks" <<'CHECKS'
      \(checks)
      CHECKS
      # DONE only when the checks ran to their end (`set -u` ends the shell at an unset variable).
      \(privatePIDs ? "unshare --pid --fork --mount-proc " : "")bash -c '. "$WORK/prelude"; . "$WORK/checks"; echo DONE'
      """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "0"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    let errors = String(decoding: result.stderr, as: UTF8.self)
    #expect(result.status == 0, "\(errors)")
    #expect(text.hasSuffix("DONE\n"), "\(text)\(errors)")
    return text
  }

  static func expectNoFailures(_ text: String) {
    let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
    #expect(failures.isEmpty, "\(text)")
  }

  @Test("listings hold what the helper made, as root and as uid 65534")
  func listings() throws {
    let text = try Self.run(
      #"""
      run $SWIPCS --posix-shmems -b
      check '[ "$(rc)" = 0 ]' "shm listing status"
      check '[ "$(out | head -1)" = "NAME        PERMS  OWNER  SIZE MTIME" ] && [ "$(out | wc -l)" = 3 ]' "shm header: $(out)"
      check 'out | grep -Eq "^nobodys rw------- nobody  4096 [0-9:]{5}$" && out | grep -Eq "^seg     rw-r-----   root 10000 [0-9:]{5}$"' "shm rows: $(out)"
      check 'grep -q "/dev/shm/planted: a symbolic link, not a POSIX IPC object; left out" "$WORK/err"' "planted link reported"
      check 'grep -q "/dev/shm/adir: a directory" "$WORK/err" && grep -q "/dev/shm/fifo: not a regular file" "$WORK/err"' "dir and fifo reported"
      check '! grep -q sem.planted "$WORK/err"' "the semaphore-named link belongs to the semaphore listing"
      run $SWIPCS --posix-shmems
      check 'out | grep -q "^seg .* 9.8K "' "human size: $(out)"
      run $SWIPCS --posix-semaphores
      check '[ "$(out | head -1)" = "NAME     PERMS  OWNER MTIME SVAL" ]' "sem header: $(out)"
      check 'out | grep -Eq "^lock rw-r-----   root [0-9:]{5}    3$" && out | grep -Eq "^open rw-rw-rw- nobody [0-9:]{5}    0$"' "sem rows: $(out)"
      check 'grep -q "/dev/shm/sem.planted: a symbolic link" "$WORK/err"' "planted semaphore link reported"
      run $SWIPCS --posix-mqueues -b
      check '[ "$(rc)" = 0 ]' "queue listing status: $(err)"
      check 'out | grep -Eq "^/empty +rw------- +nobody +[0-9:]+ +0 0$"' "empty queue: $(out)"
      check 'out | grep -Eq "^/q +rw-r----- +root +[0-9:]+ +8 2$"' "queue: 8 bytes, 2 messages: $(out)"
      check 'grep -q "^QSIZE:8 " "$WORK/mq/q"' "the mqueue file agrees"
      run $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores
      check '[ "$(out | grep -c "^NAME ")" = 3 ] && [ "$(out | grep -c "^$")" = 2 ]' "three tables: $(out)"
      check '[ "$(out | head -1 | tr -s " ")" = "NAME PERMS OWNER MTIME USEDBYTES MSGS" ]' "queues first"

      # uid 65534: the semaphore it may not read has no value; queues cannot be listed without root.
      run $NOBODY $SWIPCS --posix-semaphores
      check 'out | grep -Eq "^lock +rw-r----- +root +[0-9:]+ *$"' "unreadable value left empty: $(out)"
      check 'out | grep -Eq "^open .* 0$"' "readable value: $(out)"
      run $NOBODY $SWIPCS --posix-mqueues
      check '[ "$(rc)" = 1 ] && [ -z "$(out)" ]' "queues without root: status $(rc)"
      check 'grep -q "POSIX message queues cannot be listed: /dev/mqueue is not mounted, and a private mount of the mqueue filesystem could not be made: fsopen(mqueue) failed: Operation not permitted (only root may mount one)" "$WORK/err"' "message: $(err)"

      # Mixed with System V kinds: one table each, in lsipc master's order; ipcs's fixed views and -i are refused.
      run $SWIPCS --posix-shmems -m
      check '[ "$(rc)" = 0 ] && out | head -1 | grep -q "^KEY " && out | grep -q "^NAME "' "mixed with System V: $(out)"
      run $SWIPCS --posix-shmems -m -i 0
      check '[ "$(rc)" = 1 ] && grep -q "mutually exclusive arguments: --posix-shmems --id" "$WORK/err"' "with -i: $(err)"
      run $SWIPCS --posix-semaphores -l
      check '[ "$(rc)" = 1 ] && grep -q "mutually exclusive arguments: --posix-semaphores --limits" "$WORK/err"' "with -l: $(err)"

      # A name that would send a control sequence to the terminal (an 8-bit CSI, a byte that is not UTF-8, a
      # backslash before x): escaped in the aligned table, as libsmartcols escapes it.
      python3 -c 'open(b"/dev/shm/\xc2\x9b31m\xff\\x", "w").close()'
      run $SWIPCS --posix-shmems -o NAME --noheadings
      check 'out | grep -qxF "\\xc2\\x9b31m\\xff\\x5cx"' "a terminal-safe name: $(out | od -c | head -3)"
      check '! out | LC_ALL=C grep -q "$(printf "\302\233")"' "the raw CSI reached the output"
      rm -f "$(printf "/dev/shm/\302\23331m\377\\x")"
      check 'outside_intact' "planted entries and their target untouched"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("removal by name: only the object named, never a symlink's target; bad names remove nothing")
  func removalByName() throws {
    let text = try Self.run(
      #"""
      run $SWIPCRM --posix-shmem planted
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: name \`planted'"'"' is not POSIX shared memory: /dev/shm/planted is a symbolic link; not removed" ]' "planted: $(err)"
      run $SWIPCRM --posix-semaphore planted --posix-shmem adir --posix-shmem fifo
      check '[ "$(rc)" = 1 ] && [ "$(grep -c "not removed" "$WORK/err")" = 3 ]' "link as semaphore, dir, fifo: $(err)"
      check 'outside_intact && [ -d /dev/shm/adir ] && [ -p /dev/shm/fifo ]' "nothing of them removed"

      for bad in "a/b" "" "/" ".." "sem.lock" "$(printf "%0256d" 0)"; do
        run $SWIPCRM --posix-shmem seg --posix-shmem "$bad"
        check '[ "$(rc)" = 1 ] && [ -f /dev/shm/seg ] && [ -z "$(out)" ]' "bad name '$bad' removed something"
        check 'grep -q "^swipcrm: invalid POSIX shared memory name" "$WORK/err"' "bad name '$bad': $(err)"
      done
      run $SWIPCRM --posix-mqueue //q -m 0
      check '[ "$(rc)" = 1 ] && [ -f "$WORK/mq/q" ]' "bad queue name"
      run $SWIPCRM --posix-semaphore "$(printf "%0252d" 0)"
      check 'grep -q "longer than 251 bytes" "$WORK/err"' "semaphore NAME_MAX: $(err)"

      # uid 65534 may remove its own objects in the sticky /dev/shm, not root's.
      run $NOBODY $SWIPCRM --posix-shmem seg
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: permission denied for name \`seg'"'"'" ] && [ -f /dev/shm/seg ]' "nobody on root's: $(err)"
      run $NOBODY $SWIPCRM -v --posix-shmem /nobodys --posix-semaphore open
      check '[ "$(rc)" = 0 ] && [ ! -e /dev/shm/nobodys ] && [ ! -e /dev/shm/sem.open ]' "nobody's own: $(rc) $(err)"
      check '[ "$(out)" = "$(printf "removing POSIX shared memory \`/nobodys'"'"'\nremoving POSIX semaphore \`open'"'"'")" ]' "verbose: $(out)"
      run $NOBODY $SWIPCRM --posix-mqueue /q
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: permission denied for name \`/q'"'"'" ] && [ -f "$WORK/mq/q" ]' "nobody on root's queue: $(err)"
      run $NOBODY $SWIPCRM --posix-mqueue /empty
      check '[ "$(rc)" = 0 ] && [ ! -e "$WORK/mq/empty" ]' "nobody's own queue, no mount needed: $(err)"

      run $SWIPCRM -n --posix-shmem seg --posix-mqueue q --posix-semaphore nosuch
      check '[ "$(rc)" = 1 ] && [ -f /dev/shm/seg ] && [ -f "$WORK/mq/q" ]' "dry run removed something"
      check '[ "$(err)" = "swipcrm: name \`nosuch'"'"' not found" ]' "dry run finds the missing: $(err)"
      run $SWIPCRM --posix-shmem seg --posix-mqueue q --posix-semaphore /lock --posix-shmem gone
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: name \`gone'"'"' not found" ]' "removal: $(err)"
      check '[ ! -e /dev/shm/seg ] && [ ! -e /dev/shm/sem.lock ] && [ ! -e "$WORK/mq/q" ]' "removed"
      check 'outside_intact && [ -d /dev/shm/adir ] && [ -p /dev/shm/fifo ]' "planted entries untouched"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("-a: bare means System V only; pshm, psem and pmsg remove objects, never the planted entries")
  func removeAll() throws {
    let text = try Self.run(
      #"""
      "$WORK/mkposix" sysv || echo "FAIL: System V segment"
      run $SWIPCRM -a
      check '[ "$(rc)" = 0 ] && [ -z "$(ipcs -m | grep 0x00001234)" ]' "bare -a: System V removed"
      check '[ -f /dev/shm/seg ] && [ -f /dev/shm/sem.lock ] && [ -f "$WORK/mq/q" ]' "bare -a left POSIX objects"

      run $NOBODY $SWIPCRM -a pmsg -a pshm
      check '[ "$(rc)" = 1 ] && [ -f /dev/shm/nobodys ] && grep -q "POSIX message queues cannot be listed" "$WORK/err"' "-a pmsg without root stops before removing: $(err)"

      run $SWIPCRM -n -a pshm -a psem -a pmsg
      check '[ "$(rc)" = 0 ] && [ -f /dev/shm/seg ] && [ -f "$WORK/mq/q" ]' "dry run removed something"
      # The dry run names each object, as just listed, with its owner.
      want "dry run order" <<'EOF'
      would remove POSIX shared memory `nobodys' (owner nobody)
      would remove POSIX shared memory `seg' (owner root)
      would remove POSIX semaphore `lock' (owner root)
      would remove POSIX semaphore `open' (owner nobody)
      would remove POSIX message queue `/empty' (owner nobody)
      would remove POSIX message queue `/q' (owner root)
      EOF

      run $NOBODY $SWIPCRM -a pshm
      check '[ "$(rc)" = 1 ] && [ ! -e /dev/shm/nobodys ] && [ -f /dev/shm/seg ]' "nobody's -a pshm: its own only: $(err)"
      check 'grep -q "permission denied for name \`seg'"'"'" "$WORK/err" && grep -q "/dev/shm/planted: a symbolic link, not a POSIX IPC object; left alone" "$WORK/err"' "nobody's -a pshm messages: $(err)"

      run $SWIPCRM -v -apsem -a pmsg --all=pshm
      check '[ "$(rc)" = 0 ]' "-a of the three: $(err)"
      check '[ "$(ls -A /dev/shm | tr "\n" " ")" = "adir fifo planted sem.planted " ] && [ -z "$(ls -A "$WORK/mq")" ]' "left: $(ls -A /dev/shm) / $(ls -A "$WORK/mq")"
      check 'outside_intact' "planted entries and their target untouched"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("column values are what the helper made, in --raw --bytes, --export and --json, as root and as uid 65534")
  func columnValues() throws {
    let text = try Self.run(
      #"""
      nogroup=$(getent group 65534 | cut -d: -f1)
      check '[ -n "$nogroup" ]' "group 65534 has a name"
      # Shared memory: the file's attributes, which any user may read.
      for as in "" "$NOBODY"; do
      run $as $SWIPCS --posix-shmems --raw --bytes -o NAME,KIND,SIZE,PERMS,OWNER,UID,GID,CUID,CGID,USER,GROUP,CUSER,CGROUP
      want "shm raw ${as:+as nobody}" <<EOF
      NAME KIND SIZE PERMS OWNER UID GID CUID CGID USER GROUP CUSER CGROUP
      nobodys pshm 4096 rw------- nobody 65534 65534 65534 65534 nobody $nogroup nobody $nogroup
      seg pshm 10000 rw-r----- root 0 0 0 0 root root root root
      EOF
      run $as $SWIPCS --posix-shmems --export --bytes -o NAME,SIZE,OWNER,GROUP
      want "shm export ${as:+as nobody}" <<EOF
      NAME="nobodys" SIZE="4096" OWNER="nobody" GROUP="$nogroup"
      NAME="seg" SIZE="10000" OWNER="root" GROUP="root"
      EOF
      run $as $SWIPCS --posix-shmems --json -o NAME,KIND,SIZE,UID,GID,PERMS
      want "shm json ${as:+as nobody}" '.["posix-sharedmemory"]' <<'EOF'
      [{"name":"nobodys","kind":"pshm","size":4096,"uid":65534,"gid":65534,"perms":"rw-------"},{"name":"seg","kind":"pshm","size":10000,"uid":0,"gid":0,"perms":"rw-r-----"}]
      EOF
      run $as $SWIPCS --posix-shmems -P --raw --noheadings -o NAME,PERMS
      want "shm -P ${as:+as nobody}" <<'EOF'
      nobodys 0600
      seg 0640
      EOF
      done
      run $SWIPCS --posix-shmems -c --raw
      check '[ "$(out | head -1)" = "NAME PERMS OWNER SIZE MTIME CUID CGID" ] && [ "$(out | wc -l)" = 3 ]' "-c: $(out)"
      run $SWIPCS --posix-shmems --raw --noheadings -o NAME,SIZE
      want "sizes without --bytes" <<'EOF'
      nobodys 4K
      seg 9.8K
      EOF

      # Semaphores: the value is read from the file, which uid 65534 may read for `open' only.
      run $SWIPCS --posix-semaphores --export -o NAME,KIND,SVAL,PERMS,OWNER,UID,GID
      want "sem export" <<'EOF'
      NAME="lock" KIND="psem" SVAL="3" PERMS="rw-r-----" OWNER="root" UID="0" GID="0"
      NAME="open" KIND="psem" SVAL="0" PERMS="rw-rw-rw-" OWNER="nobody" UID="65534" GID="65534"
      EOF
      run $SWIPCS --posix-semaphores --raw --noheadings -o SVAL,NAME
      want "sem raw" <<'EOF'
      3 lock
      0 open
      EOF
      run $SWIPCS --posix-semaphores --json -o NAME,KIND,SVAL
      want "sem json" '.["posix-semaphores"]' <<'EOF'
      [{"name":"lock","kind":"psem","sval":3},{"name":"open","kind":"psem","sval":0}]
      EOF
      run $NOBODY $SWIPCS --posix-semaphores --export -o NAME,SVAL,OWNER
      want "sem export as nobody" <<'EOF'
      NAME="lock" SVAL="" OWNER="root"
      NAME="open" SVAL="0" OWNER="nobody"
      EOF
      run $NOBODY $SWIPCS --posix-semaphores --raw --noheadings -o SVAL,NAME
      want "sem raw as nobody" <<'EOF'
       lock
      0 open
      EOF
      run $NOBODY $SWIPCS --posix-semaphores --json -o NAME,SVAL
      want "sem json as nobody" '.["posix-semaphores"]' <<'EOF'
      [{"name":"lock","sval":null},{"name":"open","sval":0}]
      EOF

      # Queues: root only; their figures agree with the mqueue filesystem's QSIZE.
      run $SWIPCS --posix-mqueues --raw --bytes -o NAME,KIND,USEDBYTES,MSGS,PERMS,OWNER,UID,GID
      want "queue raw" <<'EOF'
      NAME KIND USEDBYTES MSGS PERMS OWNER UID GID
      /empty pmsg 0 0 rw------- nobody 65534 65534
      /q pmsg 8 2 rw-r----- root 0 0
      EOF
      run $SWIPCS --posix-mqueues --export --bytes -o NAME,USEDBYTES,MSGS
      want "queue export" <<'EOF'
      NAME="/empty" USEDBYTES="0" MSGS="0"
      NAME="/q" USEDBYTES="8" MSGS="2"
      EOF
      run $SWIPCS --posix-mqueues --json -o NAME,KIND,USEDBYTES,MSGS,OWNER
      want "queue json" '.["posix-messages"]' <<'EOF'
      [{"name":"/empty","kind":"pmsg","usedbytes":0,"msgs":0,"owner":"nobody"},{"name":"/q","kind":"pmsg","usedbytes":8,"msgs":2,"owner":"root"}]
      EOF
      run $SWIPCS --posix-mqueues --raw --bytes --noheadings -o NAME,USEDBYTES
      check '[ "$(out | wc -l)" = 2 ]' "two queues: $(out)"
      while read -r name used; do
      check '[ "$(sed -n "s/^QSIZE:\([0-9]*\) .*/\1/p" "$WORK/mq$name")" = "$used" ]' "USEDBYTES of $name: $used"
      done < "$WORK/out"
      for format in --raw --export; do
      run $NOBODY $SWIPCS --posix-mqueues $format --bytes -o NAME,USEDBYTES,MSGS
      check '[ "$(rc)" = 1 ] && [ -z "$(out)" ]' "queues as nobody, $format: status $(rc), $(out)"
      check '[ "$(err | wc -l)" = 1 ] && err | grep -q "^swipcs: POSIX message queues cannot be listed: "' "message: $(err)"
      done
      """#
    )
    Self.expectNoFailures(text)
  }

  /// `swipcs --posix-mqueues --json` as uid 65534, where the queues cannot be listed.
  @Test("a queue listing that fails prints no JSON document the schema refuses")
  func failedQueueListingJSON() throws {
    let text = try Self.run(
      #"""
      run $NOBODY $SWIPCS --posix-mqueues --json
      check '[ "$(rc)" = 1 ] && err | grep -q "^swipcs: POSIX message queues cannot be listed: "' "status $(rc): $(err)"
      schema="$SCRIPTS/../../../docs/swipcs.schema.json"
      check '[ ! -s "$WORK/out" ] || /usr/bin/python3 "$SCRIPTS/check-json.py" "$schema" "$WORK/out"' \
        "output: $(out | tr '\n' ' ')"
      """#
    )
    // As uid 65534 (no private mqueue mount, no /dev/mqueue) `swipcs --posix-mqueues --json` exits 1 with its
    // message and writes no document: an empty one ("{}") is refused by docs/swipcs.schema.json ("minProperties").
    Self.expectNoFailures(text)
  }

  @Test("--json of each POSIX kind, of -g and of an empty /dev/shm validates against docs/swipcs.schema.json")
  func jsonValidates() throws {
    let text = try Self.run(
      #"""
      schema="$SCRIPTS/../../../docs/swipcs.schema.json"
      validate() {
        if [ "$(rc)" = 0 ] && /usr/bin/python3 "$SCRIPTS/check-json.py" "$schema" "$WORK/out" > "$WORK/problems" 2>&1
        then :; else echo "FAIL: $1: status $(rc): $(cat "$WORK/problems") $(err)"; fi
      }
      # The validator refuses what the schema does not allow.
      echo '{"posix-sharedmemory": [{"name": 3, "sval": "x"}]}' > "$WORK/bad.json"
      check '! /usr/bin/python3 "$SCRIPTS/check-json.py" "$schema" "$WORK/bad.json" > /dev/null' "the validator accepts anything"

      start_holder
      all=NAME,KIND,PERMS,OWNER,CUID,CUSER,CGID,CGROUP,UID,USER,GID,GROUP,MTIME,AGE,IDLE,NS,ATTACHED,ATTACHED-COMPLETE,ORPHANED
      for as in "" "$NOBODY"; do
      who=${as:+nobody}; who=${who:-root}
      run $as $SWIPCS --posix-shmems --json -o "$all,SIZE"; validate "$who: shm, every column"
      run $as $SWIPCS --posix-shmems --json; validate "$who: shm"
      run $as $SWIPCS --posix-semaphores --json -o "$all,SVAL"; validate "$who: semaphores, every column"
      run $as $SWIPCS --posix-semaphores --json -c --time-format short; validate "$who: semaphores"
      run $as $SWIPCS -m -q -s --posix-shmems --posix-semaphores --json; validate "$who: with System V"
      run $as $SWIPCS -g --json; validate "$who: -g"
      run $as $SWIPCS -g --posix-mqueues --json; validate "$who: -g --posix-mqueues"
      done
      run $SWIPCS --posix-mqueues --json -o "$all,USEDBYTES,MSGS"; validate "queues, every column"
      run $SWIPCS --posix-mqueues --json; validate "queues"
      run $SWIPCS -q -m -s --posix-mqueues --posix-shmems --posix-semaphores --json -o "$all"
      validate "every kind"
      want "arrays in lsipc master's order" 'keys_unsorted' <<'EOF'
      ["messages","posix-messages","sharedmemory","posix-sharedmemory","semaphores","posix-semaphores"]
      EOF
      # The holder's entries were among the validated: ATTACHED lists it, though pid 1 may be unreadable.
      want "attached" "[.[][] | select(.attached // [] | map(.pid) | index($HOLDER_PID)) | .name]" <<'EOF'
      ["/q","nobodys","seg","lock","open"]
      EOF
      stop_holder $HOLDER_PID $HOLDER_FD

      # An empty /dev/shm and a new IPC namespace: empty arrays, MQUMNI used 0.
      run unshare --ipc --mount sh -c 'mount -t tmpfs swipcs-empty /dev/shm && "$SWIPCS" --posix-shmems --posix-semaphores --posix-mqueues --json > "$WORK/empty.json" && "$SWIPCS" -g --posix-mqueues --json'
      validate "-g, empty"
      want "-g, empty" '.ipclimits[0] | [.resource, .used]' <<'EOF'
      ["MQUMNI",0]
      EOF
      cp "$WORK/empty.json" "$WORK/out"
      validate "empty"
      want "empty" '[keys_unsorted, map(length)]' <<'EOF'
      [["posix-messages","posix-sharedmemory","posix-semaphores"],[0,0,0]]
      EOF
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("-g: MQUMNI, MQUMAX and MQUMNB after MSGMNB, with the namespace's limits and the queues listed")
  func globalRows() throws {
    let text = try Self.run(
      #"""
      # Limits of this IPC namespace unlike any default.
      echo 77 > /proc/sys/fs/mqueue/queues_max && echo 4000 > /proc/sys/fs/mqueue/msgsize_max \
        && echo 7 > /proc/sys/fs/mqueue/msg_max || echo "FAIL: cannot set the limits"
      limits=$(cat /proc/sys/fs/mqueue/queues_max /proc/sys/fs/mqueue/msgsize_max /proc/sys/fs/mqueue/msg_max)
      check '[ "$(echo $limits)" = "77 4000 7" ]' "limits: $limits"
      run $SWIPCS -g --raw --bytes --noheadings -o RESOURCE,LIMIT,USED,USE%
      check '[ "$(rc)" = 0 ]' "-g: status $(rc)"
      check '[ "$(out | cut -d" " -f1 | tr "\n" " ")" = "MSGMNI MSGMAX MSGMNB MQUMNI MQUMAX MQUMNB SHMMNI SHMALL SHMMAX SHMMIN SEMMNI SEMMNS SEMMSL SEMOPM SEMVMX " ]' "rows: $(out)"
      check '[ "$(out | grep "^MQU")" = "$(printf "MQUMNI %s 2 2.60%%\nMQUMAX %s - -\nMQUMNB %s - -" $limits)" ]' "the queue rows: $(out)"
      run $SWIPCS -g --posix-mqueues --raw --bytes --noheadings -o RESOURCE,LIMIT,USED,USE%
      want "-g --posix-mqueues" <<'EOF'
      MQUMNI 77 2 2.60%
      MQUMAX 4000 - -
      MQUMNB 7 - -
      EOF
      run $SWIPCS -g --posix-mqueues --json
      want "-g --posix-mqueues --json" '.ipclimits | map([.resource, .limit, .used, ."use%"])' <<'EOF'
      [["MQUMNI",77,2,2.6],["MQUMAX",4000,null,null],["MQUMNB",7,null,null]]
      EOF
      # USED follows the queues.
      "$WORK/mkposix" mq /third 1 0600 0 && "$WORK/mkposix" mq /fourth 0 0600 0 || echo "FAIL: more queues"
      run $SWIPCS -g --posix-mqueues --raw --noheadings -o RESOURCE,USED
      check '[ "$(out | head -1)" = "MQUMNI $(ls "$WORK/mq" | wc -l)" ] && [ "$(out | head -1)" = "MQUMNI 4" ]' "4 queues: $(out)"
      rm "$WORK/mq/q" "$WORK/mq/third" "$WORK/mq/fourth"
      run $SWIPCS -g --raw --noheadings -o RESOURCE,USED
      check '[ "$(out | grep "^MQUMNI")" = "MQUMNI 1" ]' "1 queue: $(out)"

      # uid 65534 cannot list the queues: the limits, and `-` for the use.
      run $NOBODY $SWIPCS -g --raw --bytes --noheadings -o RESOURCE,LIMIT,USED,USE%
      check '[ "$(rc)" = 0 ] && [ "$(out | grep "^MQU")" = "$(printf "MQUMNI %s - -\nMQUMAX %s - -\nMQUMNB %s - -" $limits)" ]' "as nobody: $(out)"
      check '[ "$(out | wc -l)" = 15 ]' "as nobody, every row: $(out)"
      run $NOBODY $SWIPCS -g --posix-mqueues --json
      want "-g --posix-mqueues --json as nobody" '.ipclimits | map([.resource, .limit, .used, ."use%"])' <<'EOF'
      [["MQUMNI",77,null,null],["MQUMAX",4000,null,null],["MQUMNB",7,null,null]]
      EOF
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("MTIME in --time-format iso, full and short is the file's mtime; AGE and IDLE count from it")
  func times() throws {
    let text = try Self.run(
      #"""
      export LC_ALL=C
      touch -d @1583298367 /dev/shm/seg && touch -d @1500000000 /dev/shm/sem.lock && touch -d @1400000000 "$WORK/mq/q" \
        && touch -d "$(date +%Y)-01-01 00:00:01" /dev/shm/sem.open || echo "FAIL: touch"
      # util-linux's short form: the time today, the day this year, else the year and day.
      short_of() {
        if [ "$(date -d @$1 +%F)" = "$(date +%F)" ]; then date -d @$1 +%H:%M
        elif [ "$(date -d @$1 +%Y)" = "$(date +%Y)" ]; then date -d @$1 +%b%d
        else date -d @$1 +%Y-%b%d; fi
      }
      for kind in shmems semaphores mqueues; do
      case $kind in shmems) file=/dev/shm/ ;; semaphores) file=/dev/shm/sem. ;; mqueues) file=$WORK/mq ;; esac
      for zone in UTC Asia/Tokyo America/St_Johns; do
      run env TZ=$zone $SWIPCS --posix-$kind --raw --noheadings --time-format iso -o NAME,MTIME
      check '[ "$(rc)" = 0 ] && [ "$(out | wc -l)" = 2 ]' "$kind iso in $zone: $(out)"
      while read -r name time; do
      check '[ "$(date -d "$time" +%s)" = "$(stat -c %Y "$file$name")" ]' "$kind $name, iso in $zone: $time"
      done < "$WORK/out"
      done
      run $SWIPCS --posix-$kind --json --time-format full -o NAME,MTIME
      jq -r '.[][] | "\(.name)|\(.mtime)"' "$WORK/out" > "$WORK/full"
      check '[ "$(wc -l < "$WORK/full")" = 2 ]' "$kind full: $(out)"
      while IFS='|' read -r name time; do
      check '[ "$time" = "$(date -d @"$(stat -c %Y "$file$name")" "+%a %b %e %H:%M:%S %Y")" ]' "$kind $name, full: $time"
      done < "$WORK/full"
      run $SWIPCS --posix-$kind --raw --noheadings --time-format short -o NAME,MTIME
      check '[ "$(out | wc -l)" = 2 ]' "$kind short: $(out)"
      while read -r name time; do
      check '[ "$time" = "$(short_of "$(stat -c %Y "$file$name")")" ]' "$kind $name, short: $time"
      done < "$WORK/out"
      done
      run $SWIPCS --posix-shmems --posix-semaphores --raw --noheadings --time-format short -o NAME,MTIME
      check 'out | grep -qx "seg 2020-Mar04"' "short of 2020: $(out)"
      before=$(date +%s)
      run $SWIPCS --posix-shmems --posix-semaphores --posix-mqueues --raw --noheadings -o NAME,AGE,IDLE
      after=$(date +%s)
      check '[ "$(out | wc -l)" = 6 ]' "AGE and IDLE: $(out)"
      tried=0
      while read -r name epoch; do
      tried=$((tried + 1))
      read -r _ age idle <<< "$(out | grep "^$name ")"
      check '[ "$age" -ge $((before - epoch)) ] && [ "$age" -le $((after - epoch)) ] && [ "$idle" = "$age" ]' \
        "AGE and IDLE of $name: $(out)"
      done <<'EOF'
      seg 1583298367
      lock 1500000000
      /q 1400000000
      EOF
      check '[ "$tried" = 3 ]' "AGE entries tried: $tried"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("ATTACHED, ATTACHED-COMPLETE and ORPHANED: the holders' pids; orphaned only when nothing can hold it")
  func holders() throws {
    let text = try Self.run(
      #"""
      start_holder; first=$HOLDER_PID; first_fd=$HOLDER_FD
      start_holder; second=$HOLDER_PID; second_fd=$HOLDER_FD
      check '[ "$first" -lt "$second" ]' "pids in order: $first $second"
      run $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores --raw --noheadings -o NAME,ATTACHED,ATTACHED-COMPLETE,ORPHANED
      want "held, as root" <<EOF
      /empty  yes yes
      /q $first,$second yes no
      nobodys $first,$second yes no
      seg $first,$second yes no
      lock $first,$second yes no
      open $first,$second yes no
      EOF
      run $SWIPCS --processes --posix-semaphores --raw --noheadings
      want "held, the process view" <<EOF
      psem   lock $first root mapped $WORK/mkposix\\x20hold
      psem   lock $second root mapped $WORK/mkposix\\x20hold
      psem   open $first root mapped $WORK/mkposix\\x20hold
      psem   open $second root mapped $WORK/mkposix\\x20hold
      EOF
      run $SWIPCS --posix-shmems --json -o NAME,ATTACHED,ATTACHED-COMPLETE,ORPHANED
      want "held, json" '[.[][] | [.name, (.attached | map("\(.pid) \(.command)")), ."attached-complete", .orphaned]]' <<EOF
      [["nobodys",["$first $WORK/mkposix hold","$second $WORK/mkposix hold"],true,false],["seg",["$first $WORK/mkposix hold","$second $WORK/mkposix hold"],true,false]]
      EOF
      run $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores --orphaned --raw --noheadings -o NAME
      want "--orphaned, as root" <<'EOF'
      /empty
      EOF
      # uid 65534 cannot read root's processes: it knows of no holder, and so of no orphan.
      run $NOBODY $SWIPCS --posix-shmems --posix-semaphores --raw --noheadings -o NAME,ATTACHED,ATTACHED-COMPLETE,ORPHANED
      want "held, as nobody" <<'EOF'
      nobodys  no no
      seg  no no
      lock  no no
      open  no no
      EOF
      run $NOBODY $SWIPCS --posix-shmems --posix-semaphores --json -o NAME,ORPHANED
      want "held, as nobody, json" '[.[][] | .orphaned]' <<'EOF'
      [false,false,false,false]
      EOF
      run $NOBODY $SWIPCS --posix-shmems --posix-semaphores --orphaned -o NAME --raw --noheadings
      check '[ "$(rc)" = 0 ] && [ -z "$(out)" ]' "--orphaned as nobody: $(out)"

      stop_holder $first $first_fd
      run $SWIPCS --posix-shmems --raw --noheadings -o NAME,ATTACHED,ORPHANED
      want "one holder left" <<EOF
      nobodys $second no
      seg $second no
      EOF
      stop_holder $second $second_fd
      run $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores --raw --noheadings -o NAME,ATTACHED,ATTACHED-COMPLETE,ORPHANED
      want "no holder, as root (a queue with messages is no orphan)" <<'EOF'
      /empty  yes yes
      /q  yes no
      nobodys  yes yes
      seg  yes yes
      lock  yes yes
      open  yes yes
      EOF
      run $NOBODY $SWIPCS --posix-shmems --raw --noheadings -o NAME,ATTACHED-COMPLETE,ORPHANED
      want "no holder, as nobody" <<'EOF'
      nobodys no no
      seg no no
      EOF
      """#,
      privatePIDs: true
    )
    Self.expectNoFailures(text)
  }

  @Test("--filter and the shorthands over POSIX columns select exactly the objects; bad input shows nothing")
  func filters() throws {
    let text = try Self.run(
      #"""
      "$WORK/mkposix" shm /big 70000 0604 0 && "$WORK/mkposix" shm /small 100 0644 65534 || echo "FAIL: more shm"
      touch -d '2 hours ago' /dev/shm/big /dev/shm/sem.open
      # selects NAMES [PREFIX] ARGUMENTS: swipcs with ARGUMENTS (run after PREFIX) lists exactly NAMES.
      selects() {
        local want=$1; shift
        run "$@" -o NAME --raw --noheadings
        local got; got=$(out | tr '\n' ' ')
        [ "$(rc)" = 0 ] && [ "$got" = "$want" ] || echo "FAIL: $*: status $(rc), '$got', not '$want' $(err)"
      }
      selects "big seg " $SWIPCS --posix-shmems --filter 'SIZE > 5000'
      selects "seg " $SWIPCS --posix-shmems --filter 'SIZE > 5000 && OWNER == "root" && NAME =~ "^s"'
      selects "big nobodys small " $SWIPCS --posix-shmems --filter 'SIZE <= 4K || PERMS =~ "r--$"'
      selects "nobodys small " $SWIPCS --posix-shmems --owner nobody
      selects "/empty nobodys small open " $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores --owner nobody
      selects "big open " $SWIPCS --posix-shmems --posix-semaphores --older-than 1h
      selects "" $SWIPCS --posix-shmems --posix-semaphores --older-than 3h
      selects "big " $SWIPCS --posix-shmems --filter 'AGE > 3600'
      selects "lock " $SWIPCS --posix-semaphores --filter 'SVAL > 1'
      selects "/q " $SWIPCS --posix-mqueues --filter 'MSGS > 0 && USEDBYTES == 8'
      selects "/empty lock open " $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores \
        --filter 'KIND == "psem" || NAME == "/empty"'
      selects "" $SWIPCS --posix-shmems --filter 'NAME == "sem.lock"'
      # An unreadable value is no value: uid 65534 reads no SVAL of `lock'.
      selects "open " $NOBODY $SWIPCS --posix-semaphores --filter 'SVAL >= 0'
      selects "big seg " $NOBODY $SWIPCS --posix-shmems --filter 'SIZE > 5000'

      ls -A /dev/shm > "$WORK/before"; ls -A "$WORK/mq" >> "$WORK/before"
      tried=0
      while IFS='|' read -r filter message; do
      tried=$((tried + 1))
      for tool in "$SWIPCS --posix-shmems" "$SWIPCRM -a pshm" "$SWIPCRM --posix-shmem big" "$SWIPCRM -a pmsg"; do
      run $tool --filter "$filter"
      name=$(basename "${tool%% *}")
      check '[ "$(rc)" = 1 ] && [ -z "$(out)" ] && [ "$(err | wc -l)" = 1 ] && err | grep -qF "$name: --filter: $message"' \
        "$tool --filter '$filter': $(rc) $(out) $(err)"
      done
      done <<'EOF'
      NOSUCH > 1|unknown column 'NOSUCH'; valid columns: KEY, ID,
      NAME > 1|cannot compare NAME (text) with 1 (a number) at column 1
      SIZE =~ "x"|SIZE is a number and cannot be matched with a regular expression
      SVAL == "x"|cannot compare SVAL (a number) with "x"
      EOF
      check '[ "$tried" = 4 ]' "bad filters tried: $tried"
      run $SWIPCS --posix-shmems --older-than 1x
      check '[ "$(rc)" = 1 ] && [ -z "$(out)" ] && err | grep -q "^swipcs: --older-than: '"'"'1x'"'"' is not a duration"' "--older-than 1x: $(err)"
      ls -A /dev/shm > "$WORK/after"; ls -A "$WORK/mq" >> "$WORK/after"
      check 'cmp -s "$WORK/before" "$WORK/after" && [ "$(wc -l < "$WORK/after")" = 12 ]' "bad input removed something: $(cat "$WORK/after")"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("swipcrm with a selection: exactly what matches, dry run, --json report, re-check before each unlink")
  func removalWithSelection() throws {
    let text = try Self.run(
      #"""
      "$WORK/mkposix" shm /big 70000 0604 0 && "$WORK/mkposix" shm /huge 100000 0600 65534 \
        && "$WORK/mkposix" shm /small 100 0644 65534 && "$WORK/mkposix" sysv || echo "FAIL: more objects"
      listed() { ls -A /dev/shm | tr '\n' ' '; }
      all="adir big fifo huge nobodys planted seg sem.lock sem.open sem.planted small "
      check '[ "$(listed)" = "$all" ]' "made: $(listed)"

      # Bare -a, with a selection too, is System V only.
      run $SWIPCRM -a --filter 'SIZE > 0'
      check '[ "$(rc)" = 0 ] && [ -z "$(ipcs -m | grep 0x00001234)" ]' "bare -a --filter: System V removed: $(err)"
      check '[ "$(listed)" = "$all" ] && [ "$(ls -A "$WORK/mq" | tr "\n" " ")" = "empty q " ]' "bare -a --filter left POSIX objects: $(listed)"

      run $SWIPCRM -n -a pshm --filter 'SIZE > 50000'
      want "dry run" <<'EOF'
      would remove POSIX shared memory `big' (owner root)
      would remove POSIX shared memory `huge' (owner nobody)
      EOF
      check '[ "$(listed)" = "$all" ]' "the dry run removed: $(listed)"
      run $SWIPCRM -n --posix-mqueue /q --posix-semaphore lock --owner root
      want "dry run, named with a selection" <<'EOF'
      would remove POSIX message queue `/q' (owner root)
      would remove POSIX semaphore `lock' (owner root)
      EOF
      run $SWIPCRM -n --posix-mqueue /q
      want "dry run, a queue named without a selection" <<'EOF'
      would remove POSIX message queue `/q' (owner root)
      EOF
      run $SWIPCRM --json -a pshm --filter 'SIZE > 50000'
      want "-a pshm --filter: report" '[.filter, ."dry-run", (.objects | map([.kind, .name, .owner, .uid, .outcome])), .totals.removed]' <<'EOF'
      ["SIZE > 50000",false,[["pshm","big","root",0,"removed"],["pshm","huge","nobody",65534,"removed"]],2]
      EOF
      all="adir fifo nobodys planted seg sem.lock sem.open sem.planted small "
      check '[ "$(listed)" = "$all" ]' "-a pshm --filter 'SIZE > 50000': $(listed)"
      run $SWIPCRM -a psem -a pmsg --filter 'SVAL > 1 || MSGS == 0'
      check '[ "$(rc)" = 0 ] && [ "$(ls -A "$WORK/mq")" = q ]' "-a pmsg --filter: $(ls -A "$WORK/mq") $(err)"
      all="adir fifo nobodys planted seg sem.open sem.planted small "
      check '[ "$(listed)" = "$all" ]' "-a psem --filter: $(listed)"

      # Named, not matching: skipped, not a failure.
      run $SWIPCRM --posix-shmem small --posix-shmem /seg --filter 'SIZE > 5000' --json
      check '[ "$(rc)" = 0 ] && [ "$(err)" = "swipcrm: skipped POSIX shared memory \`small'"'"': it does not match the selection" ]' "named, not matching: $(rc) $(err)"
      want "named: report" '.objects | map([.name, .outcome])' <<'EOF'
      [["small","skipped"],["seg","removed"]]
      EOF
      all="adir fifo nobodys planted sem.open sem.planted small "
      check '[ "$(listed)" = "$all" ]' "named: $(listed)"

      # Between selection and removal, the name comes to name a new file (renamed over it: another inode).
      "$WORK/mkposix" shm /seg 10000 0640 0 || echo "FAIL: seg again"
      old=$(stat -c %i /dev/shm/seg)
      export SWIPCRM_TEST_AFTER_SELECTION="'$WORK/mkposix' shm /seg.new 10000 0640 0 && mv /dev/shm/seg.new /dev/shm/seg && stat -c %i /dev/shm/seg > '$WORK/new'"
      run $SWIPCRM --json --posix-shmem seg --filter 'SIZE > 5000'
      check '[ -s "$WORK/new" ] && [ "$(cat "$WORK/new")" != "$old" ] && [ "$(stat -c %i /dev/shm/seg)" = "$(cat "$WORK/new")" ]' "the new file was removed: $(ls -i /dev/shm)"
      check '[ "$(err)" = "swipcrm: skipped POSIX shared memory \`seg'"'"': its name now names another object" ]' "replaced: $(err)"
      want "replaced: report" '(.objects | map([.name, .outcome])) + [.totals.changed, .totals.removed]' <<'EOF'
      [["seg","changed"],1,0]
      EOF
      # The same for a semaphore and a queue (removed and made again: another inode).
      export SWIPCRM_TEST_AFTER_SELECTION="cp -p /dev/shm/sem.open /dev/shm/sem.copy && mv /dev/shm/sem.copy /dev/shm/sem.open && rm '$WORK/mq/q' && '$WORK/mkposix' mq /q 2 0640 0 && touch '$WORK/hooked'"
      run $SWIPCRM --json --posix-semaphore open --posix-mqueue /q --filter 'NAME == "open" || NAME == "/q"'
      check '[ -e "$WORK/hooked" ] && [ -f /dev/shm/sem.open ] && [ -f "$WORK/mq/q" ]' "replaced semaphore or queue removed: $(err)"
      want "replaced semaphore and queue: report" '.objects | map([.name, .outcome])' <<'EOF'
      [["open","changed"],["/q","changed"]]
      EOF
      # Between selection and removal the object changes so that it no longer matches.
      export SWIPCRM_TEST_AFTER_SELECTION="truncate -s 1 /dev/shm/seg"
      run $SWIPCRM --json --posix-shmem seg --filter 'SIZE > 5000'
      check '[ "$(stat -c %s /dev/shm/seg)" = 1 ]' "the changed file was removed"
      check '[ "$(err)" = "swipcrm: skipped POSIX shared memory \`seg'"'"': it no longer matches the selection" ]' "changed: $(err)"
      want "changed: report" '.objects | map([.name, .outcome])' <<'EOF'
      [["seg","changed"]]
      EOF
      unset SWIPCRM_TEST_AFTER_SELECTION

      # A planted symlink named with a selection: reported, neither it nor its target touched.
      for kind in shmem semaphore; do
      run $SWIPCRM --json --posix-$kind planted --filter 'SIZE >= 0 || SVAL >= 0'
      check '[ "$(rc)" = 1 ] && err | grep -qx "swipcrm: name \`planted'"'"' is not [a ]*POSIX [a-z ]*: /dev/shm/[a-z.]*planted is a symbolic link; not removed"' "planted $kind: $(err)"
      STATUS=1 want "planted $kind: report" '.objects | map([.name, .outcome])' <<'EOF'
      [["planted","skipped"]]
      EOF
      done
      check 'outside_intact' "planted entries and their target untouched"

      # uid 65534 with a selection: its own objects only.
      run $NOBODY $SWIPCRM -a pshm -a psem --owner nobody
      check '[ "$(rc)" = 0 ] && [ "$(listed)" = "adir fifo planted seg sem.planted " ]' "nobody's -a --owner nobody: $(listed) $(err)"
      check 'outside_intact && [ -d /dev/shm/adir ] && [ -p /dev/shm/fifo ]' "planted entries untouched"
      """#
    )
    Self.expectNoFailures(text)
  }
}
